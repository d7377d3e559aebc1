// The words of the customer's status page and notification e-mails, per language
// (core/documents/language.ts picks it from the order: en, de).
import type { DocumentLanguage } from '../documents/language.ts';
import type { Weekday } from './view.ts';

export interface StatusLabels {
  htmlLang: string;
  title: (n: string) => string;
  status: string;
  statuses: Record<string, string>;
  waitingForStock: string;
  promised: (date: string) => string;
  delayed: (date: string) => string;
  items: string;
  parcels: string;
  carrier: string;
  trackingNumber: string;
  track: string;
  noParcels: string;
  pickup: string;
  store: string;
  pickupCode: string;
  pickupCodeHint: string;
  openingHours: string;
  closed: string;
  weekdays: Record<Weekday, string>;
  documents: string;
  invoice: string;
  creditNote: string;
  erased: string;
  notFoundTitle: string;
  notFound: string;
  mail: {
    greeting: string;
    see: string;
    subjects: Record<NoticeKind, (n: string) => string>;
    bodies: Record<NoticeKind, string>;
    /** Heading of the lines of the parcel a `shipped` mail is about. */
    parcel: string;
    /** Before the parcel's carrier, tracking number and link. */
    tracking: string;
    signature: string;
  };
}

export type NoticeKind = 'shipped' | 'ready_for_pickup' | 'delayed' | 'short_of_stock';

const DAYS_EN: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};
const DAYS_DE: Record<Weekday, string> = {
  mon: 'Montag',
  tue: 'Dienstag',
  wed: 'Mittwoch',
  thu: 'Donnerstag',
  fri: 'Freitag',
  sat: 'Samstag',
  sun: 'Sonntag',
};

export const STATUS_LABELS: Record<DocumentLanguage, StatusLabels> = {
  en: {
    htmlLang: 'en',
    title: (n) => `Order ${n}`,
    status: 'Status',
    statuses: {
      captured: 'Received',
      confirmed: 'Received',
      allocated: 'Being prepared',
      picking: 'Being prepared',
      packed: 'Packed',
      on_hold: 'On hold',
      partially_shipped: 'Partly shipped',
      shipped: 'Shipped',
      ready_for_pickup: 'Ready for pickup',
      collected: 'Collected',
      partially_returned: 'Partly returned',
      returned: 'Returned',
      cancelled: 'Cancelled',
      closed: 'Completed',
    },
    waitingForStock: 'Waiting for stock: some items are not in stock yet. We will send them as soon as they arrive.',
    promised: (d) => `Expected by ${d}`,
    delayed: (d) => `Delayed: we expected to send it by ${d}. We are sorry for the wait.`,
    items: 'Items',
    parcels: 'Parcels',
    carrier: 'Carrier',
    trackingNumber: 'Tracking number',
    track: 'Track parcel',
    noParcels: 'Nothing shipped yet.',
    pickup: 'Click and collect',
    store: 'Store',
    pickupCode: 'Pickup code',
    pickupCodeHint: 'Show this code at the counter.',
    openingHours: 'Opening hours',
    closed: 'closed',
    weekdays: DAYS_EN,
    documents: 'Documents',
    invoice: 'Invoice',
    creditNote: 'Credit note',
    erased: 'The personal data of this order has been erased.',
    notFoundTitle: 'Order not found',
    notFound: 'This link does not open an order. Please check that you copied the whole link.',
    mail: {
      greeting: 'Hello,',
      see: 'See your order at any time:',
      subjects: {
        shipped: (n) => `Your order ${n} has shipped`,
        ready_for_pickup: (n) => `Your order ${n} is ready for pickup`,
        delayed: (n) => `Your order ${n} is delayed`,
        short_of_stock: (n) => `Your order ${n} is waiting for stock`,
      },
      bodies: {
        shipped: 'your order is on its way. The tracking details are on your order page.',
        ready_for_pickup:
          'your order is ready for pickup. Your pickup code and the store hours are on your order page.',
        delayed: 'your order is taking longer than we promised. We are sorry for the wait.',
        short_of_stock: 'some items of your order are not in stock yet. We will send them as soon as they arrive.',
      },
      parcel: 'In this parcel:',
      tracking: 'Tracking:',
      signature: 'Thank you for your order.',
    },
  },
  de: {
    htmlLang: 'de',
    title: (n) => `Bestellung ${n}`,
    status: 'Status',
    statuses: {
      captured: 'Eingegangen',
      confirmed: 'Eingegangen',
      allocated: 'In Bearbeitung',
      picking: 'In Bearbeitung',
      packed: 'Verpackt',
      on_hold: 'Angehalten',
      partially_shipped: 'Teilweise versandt',
      shipped: 'Versandt',
      ready_for_pickup: 'Abholbereit',
      collected: 'Abgeholt',
      partially_returned: 'Teilweise zurückgegeben',
      returned: 'Zurückgegeben',
      cancelled: 'Storniert',
      closed: 'Abgeschlossen',
    },
    waitingForStock:
      'Wartet auf Ware: einige Artikel sind noch nicht vorrätig. Wir versenden sie, sobald sie eintreffen.',
    promised: (d) => `Erwartet bis ${d}`,
    delayed: (d) => `Verzögert: wir wollten sie bis ${d} versenden. Bitte entschuldigen Sie die Wartezeit.`,
    items: 'Artikel',
    parcels: 'Pakete',
    carrier: 'Versanddienst',
    trackingNumber: 'Sendungsnummer',
    track: 'Sendung verfolgen',
    noParcels: 'Noch nichts versandt.',
    pickup: 'Abholung im Geschäft',
    store: 'Geschäft',
    pickupCode: 'Abholcode',
    pickupCodeHint: 'Zeigen Sie diesen Code an der Kasse.',
    openingHours: 'Öffnungszeiten',
    closed: 'geschlossen',
    weekdays: DAYS_DE,
    documents: 'Dokumente',
    invoice: 'Rechnung',
    creditNote: 'Gutschrift',
    erased: 'Die personenbezogenen Daten dieser Bestellung wurden gelöscht.',
    notFoundTitle: 'Bestellung nicht gefunden',
    notFound: 'Dieser Link öffnet keine Bestellung. Bitte prüfen Sie, ob Sie den ganzen Link kopiert haben.',
    mail: {
      greeting: 'Guten Tag,',
      see: 'Ihre Bestellung jederzeit ansehen:',
      subjects: {
        shipped: (n) => `Ihre Bestellung ${n} wurde versandt`,
        ready_for_pickup: (n) => `Ihre Bestellung ${n} ist abholbereit`,
        delayed: (n) => `Ihre Bestellung ${n} verzögert sich`,
        short_of_stock: (n) => `Ihre Bestellung ${n} wartet auf Ware`,
      },
      bodies: {
        shipped: 'Ihre Bestellung ist unterwegs. Die Sendungsverfolgung finden Sie auf Ihrer Bestellseite.',
        ready_for_pickup:
          'Ihre Bestellung liegt zur Abholung bereit. Abholcode und Öffnungszeiten finden Sie auf Ihrer Bestellseite.',
        delayed: 'Ihre Bestellung dauert länger als versprochen. Bitte entschuldigen Sie die Wartezeit.',
        short_of_stock:
          'einige Artikel Ihrer Bestellung sind noch nicht vorrätig. Wir versenden sie, sobald sie eintreffen.',
      },
      parcel: 'In diesem Paket:',
      tracking: 'Sendungsverfolgung:',
      signature: 'Vielen Dank für Ihre Bestellung.',
    },
  },
};

/** A date as the customer reads it (in the given zone; UTC when none). */
export function formatDate(d: Date, lang: DocumentLanguage, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat(lang === 'de' ? 'de-DE' : 'en-GB', {
    timeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(d);
}
