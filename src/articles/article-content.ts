/**
 * The shapes the article generator reads and writes. Plain data only, so the
 * generator stays a pure function that golden files can pin down word for word.
 */

export type ArticleLanguage = 'vi' | 'en';
export const ARTICLE_LANGUAGES: readonly ArticleLanguage[] = ['vi', 'en'];

export type ArticleEventKind = 'training' | 'workshop' | 'seminar' | 'conference';

export interface SourcePresenter {
  honorific: string | null;
  fullName: string;
  affiliation: string | null;
}

export interface SourceSession {
  title: string;
  topic: string | null;
  description: string | null;
  startsAt: Date;
  /** Presenters only (moderators are not named), in the agenda's order. */
  presenters: SourcePresenter[];
}

export interface SourceQuote {
  personName: string;
  position: string | null;
  text: string;
  textEn: string | null;
}

export interface SourcePhoto {
  id: string;
  /** Web-sized copy: a path under the site (`/api/v1/public/photos/<id>/web.jpg`) or an absolute URL. */
  url: string;
  caption: string;
  captionEn: string | null;
}

/** Everything the article is written from: the event's data and the organizer's recap. */
export interface ArticleSource {
  event: {
    kind: ArticleEventKind;
    title: string;
    titleEn: string | null;
    audience: string | null;
    audienceEn: string | null;
    startsAt: Date;
    endsAt: Date;
    /** IANA zone the event happens in: times of day and dates are read there. */
    timezone: string;
  };
  organizer: {
    name: string;
    nameEn: string | null;
    abbreviation: string | null;
    locality: string | null;
    shortName: string | null;
  };
  /** Officials (role `official`) present, in the order they registered. */
  officials: { position: string | null; fullName: string }[];
  delegates: { checkedIn: number; confirmed: number };
  /** In time order. */
  sessions: SourceSession[];
  recap: {
    highlights: string[];
    highlightsEn: string[];
    outcome: string | null;
    outcomeEn: string | null;
    quotes: SourceQuote[];
    author: string | null;
  };
  /** In upload order. */
  photos: SourcePhoto[];
}

/** A photo placed in the article: after paragraph `afterParagraph` (0 = right after the lead). */
export interface ArticlePhoto {
  photoId: string;
  url: string;
  caption: string;
  afterParagraph: number;
}

/** The structured article, as stored and edited. */
export interface ArticleContent {
  language: ArticleLanguage;
  dateline: string;
  title: string;
  lead: string;
  /** The body after the lead, one string per paragraph. */
  paragraphs: string[];
  photos: ArticlePhoto[];
  /** The author, alone on the last line; null when the recap names none. */
  byline: string | null;
}
