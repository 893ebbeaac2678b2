// The answer's words: message catalogs and their keys, locale negotiation, and rendering texts.
export { catalogProblems } from './catalogs/catalog-checks';
export {
  BUNDLED_CATALOGS,
  CatalogError,
  CatalogSource,
  compileCatalogs,
  LocaleCatalog,
  MessageCatalogs,
  MessageValues,
} from './catalogs/message-catalogs';
export { CATALOG_KEYS, CATALOG_PARAMS } from './catalogs/message-keys';
export { DEFAULT_LOCALE, Locale, resolveLocale, SUPPORTED_LOCALES } from './locale/locales';
export {
  gapParams,
  messageKeys,
  Phrase,
  eventDisplayName,
  EventWords,
  readableEventName,
  RenderContext,
  renderParams,
  renderPhrase,
} from './render/render';
