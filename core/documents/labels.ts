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
  },
};
