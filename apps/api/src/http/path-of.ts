/**
 * A request URL without its query. On its own, free of the framework, because the cluster
 * supervisor's management listener routes with it too.
 */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
