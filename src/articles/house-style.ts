/**
 * The fixed words of the house style (../shared/articles.md), per language.
 * They are the article's wording, not the interface's: they live beside the
 * rules that assemble them (article-generator.ts), and the golden files under
 * golden/ pin every one of them; changing one is a change of the house style.
 */
export const VI = {
  /** Title: `<organizer> <verb> "<title>"`. */
  titleVerb: { training: 'tập huấn', workshop: 'tổ chức hội thảo', seminar: 'tổ chức hội thảo', conference: 'tổ chức hội nghị' },
  /** Lead (`tổ chức <noun>`) and the first session (`Tại buổi <noun>`). */
  noun: { training: 'tập huấn', workshop: 'hội thảo', seminar: 'hội thảo', conference: 'hội nghị' },
  /** Attendance: `Tham dự <class noun> có ...`. */
  classNoun: { training: 'lớp tập huấn', workshop: 'hội thảo', seminar: 'hội thảo', conference: 'hội nghị' },
  timeOfDay: { morning: 'Sáng', noon: 'Trưa', afternoon: 'Chiều', evening: 'Tối' },
  /** Openings of the session paragraphs after the first, in turn. */
  nextSession: ['Tiếp đó,', 'Bên cạnh đó,'],
} as const;

export const EN = {
  titleVerb: { training: 'holds training on', workshop: 'holds workshop on', seminar: 'holds seminar on', conference: 'holds conference on' },
  /** Lead: `..., the <organizer> held <what> on "<title>".` */
  held: { training: 'a training course', workshop: 'a workshop', seminar: 'a seminar', conference: 'a conference' },
  months: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  nextSession: ['Next, delegates heard', 'In addition, delegates heard'],
} as const;

export type TimeOfDay = 'morning' | 'noon' | 'afternoon' | 'evening';

/** Rule 3: from the local start, before 11:00 morning, 11:00–12:59 noon, 13:00–17:59 afternoon, from 18:00 evening. */
export function timeOfDay(hour: number): TimeOfDay {
  if (hour < 11) return 'morning';
  if (hour < 13) return 'noon';
  if (hour < 18) return 'afternoon';
  return 'evening';
}
