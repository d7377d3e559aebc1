// The words printed on documents, per language (language.ts picks one).
import type { DocumentLanguage } from './language.ts';

export interface Labels {
  invoice: string;
  creditNote: string;
  number: string;
  date: string;
  order: string;
  refersTo: string;
  vatId: string;
  billTo: string;
  description: string;
  quantity: string;
  unitPrice: string;
  amount: string;
  subtotal: string;
  discount: string;
  shipping: string;
  tax: string;
  shippingTax: string;
  taxIncluded: string;
  tip: string;
  total: string;
  page: string;
  orderConfirmation: string;
  deliveryNote: string;
  shipTo: string;
  tracking: string;
  /** "{marketplace}" is replaced by the marketplace's name. */
  taxCollectedBy: string;
  pickList: string;
  location: string;
  sku: string;
  orders: string;
  toPick: string;
}

export const LABELS: Record<DocumentLanguage, Labels> = {
  en: {
    invoice: 'Invoice',
    creditNote: 'Credit note',
    number: 'Number',
    date: 'Date',
    order: 'Order',
    refersTo: 'Corrects invoice',
    vatId: 'VAT ID',
    billTo: 'Bill to',
    description: 'Description',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    amount: 'Amount',
    subtotal: 'Subtotal',
    discount: 'Discount',
    shipping: 'Shipping',
    tax: 'Tax',
    shippingTax: 'Tax on shipping',
    taxIncluded: 'Prices include tax',
    tip: 'Tip',
    total: 'Total',
    page: 'Page',
    orderConfirmation: 'Order confirmation',
    deliveryNote: 'Delivery note',
    shipTo: 'Ship to',
    tracking: 'Tracking',
    taxCollectedBy: 'The tax on this sale is collected and remitted by {marketplace} as marketplace facilitator.',
    pickList: 'Pick list',
    location: 'Location',
    sku: 'SKU',
    orders: 'Orders',
    toPick: 'To pick',
  },
  de: {
    invoice: 'Rechnung',
    creditNote: 'Gutschrift',
    number: 'Nummer',
    date: 'Datum',
    order: 'Bestellung',
    refersTo: 'Korrigiert Rechnung',
    vatId: 'USt-IdNr.',
    billTo: 'Rechnungsadresse',
    description: 'Beschreibung',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    amount: 'Betrag',
    subtotal: 'Zwischensumme',
    discount: 'Rabatt',
    shipping: 'Versand',
    tax: 'USt.',
    shippingTax: 'USt. auf Versand',
    taxIncluded: 'Preise enthalten die Umsatzsteuer',
    tip: 'Trinkgeld',
    total: 'Gesamtbetrag',
    page: 'Seite',
    orderConfirmation: 'Auftragsbestätigung',
    deliveryNote: 'Lieferschein',
    shipTo: 'Lieferadresse',
    tracking: 'Sendungsnummer',
    taxCollectedBy: 'Die Umsatzsteuer auf diesen Verkauf erhebt und führt {marketplace} als Marktplatzbetreiber ab.',
    pickList: 'Pickliste',
    location: 'Lager',
    sku: 'Artikelnr.',
    orders: 'Bestellungen',
    toPick: 'Zu picken',
  },
};
