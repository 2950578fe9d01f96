/**
 * The words of a step's error-declaration mark (an EPCIS errorDeclaration of the event): the service
 * renders them on the batch page and the phone writes them again from the declaration entry it proved,
 * so both say the same thing the same way. CBV 2.0's reasons in words; any other reason as declared.
 */
export function declarationWords(reason: string, lang: 'zh' | 'en'): string {
  const word = reason.replace(/^urn:epcglobal:cbv:er:/, '').replace(/^https?:\/\/(ref|ns)\.gs1\.org\/cbv\/ER-/, '');
  const words: Record<string, [string, string]> = { did_not_occur: ['事件并未发生', 'it did not occur'], incorrect_data: ['数据有误', 'incorrect data'] };
  const said = Object.prototype.hasOwnProperty.call(words, word) ? words[word][lang === 'zh' ? 0 : 1] : reason;
  if (lang === 'zh') return `记录者已声明此记录有误${reason ? `（${said}）` : ''}`;
  return `Declared erroneous by its recorder${reason ? ` (${said})` : ''}`;
}
