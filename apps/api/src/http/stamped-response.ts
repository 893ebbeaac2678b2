import { OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { requestId } from '../logging/request-log';
import { SECURITY_HEADERS } from './security-headers';

/** The fields a head is written with: an object of names, or a flat list of names and values. */
type HeadFields = OutgoingHttpHeaders | OutgoingHttpHeader[];

const SECURITY_ENTRIES = Object.entries(SECURITY_HEADERS);

/** True when every field name of `fields` is in lower case, as fastify writes them. */
function lowerCaseNames(fields: OutgoingHttpHeaders): boolean {
  for (const name in fields) if (name !== name.toLowerCase()) return false;
  return true;
}

/**
 * The service's standing headers (the request id, then helmet's) added to a head about to be
 * written, each unless the response already has it: whatever a handler set wins.
 *
 * fastify writes its head with one object of lower-case names and sets nothing on the response
 * itself; the headers go into that object, and Node writes it as it is. Any other head (Express,
 * whose fields are set one by one, and every answer made below a framework) gets them with
 * setHeader, which the fields passed here then override, as Node merges them.
 */
function stamp(response: ServerResponse, fields: HeadFields | undefined): void {
  const id = requestId(response.req);
  if (fields !== undefined && fields !== null && !Array.isArray(fields) && lowerCaseNames(fields)) {
    if (fields['x-request-id'] === undefined && !response.hasHeader('x-request-id')) {
      fields['x-request-id'] = id;
    }
    for (const [name, value] of SECURITY_ENTRIES) {
      if (fields[name] === undefined && !response.hasHeader(name)) fields[name] = value;
    }
    return;
  }
  if (!response.hasHeader('x-request-id')) response.setHeader('x-request-id', id);
  for (const [name, value] of SECURITY_ENTRIES) {
    if (!response.hasHeader(name)) response.setHeader(name, value);
  }
}

/**
 * writeHead's arguments, (status, fields) or (status, reason, fields), as the reason and the
 * fields to write, the standing headers stamped: `super.writeHead(status, reason, fields)` then
 * writes either form.
 */
function stampHead(
  response: ServerResponse,
  reasonOrFields: string | HeadFields | undefined,
  fields: HeadFields | undefined,
): [string | undefined, HeadFields | undefined] {
  const [reason, head] =
    typeof reasonOrFields === 'string'
      ? [reasonOrFields, fields]
      : [undefined, fields ?? reasonOrFields];
  stamp(response, head);
  return [reason, head];
}

/** A response class: Node's, or one a framework made from it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a mixin's base takes any arguments
type ResponseClass = new (...args: any[]) => ServerResponse;

/**
 * `Base` whose responses carry the service's standing headers, whichever code answers them: the
 * front door's refusals, either framework's answers and errors, the management port. They are
 * added as the head is written rather than set as the request comes in: on fastify, one header
 * set on the response itself makes Node merge every field of fastify's head into it one
 * setHeader at a time, through an object of names kept in dictionary mode. Node calls writeHead
 * for every head it writes (end() and write() through _implicitHeader). The method is the
 * class's own, so it stays when a framework replaces the prototype above it (Express's:
 * bornExpressMessages), and `super` finds the writeHead above it then.
 */
export function stampingHeads<Base extends ResponseClass>(base: Base) {
  return class StampingResponse extends base {
    override writeHead(
      statusCode: number,
      reasonOrFields?: string | HeadFields,
      fields?: HeadFields,
    ): this {
      const [reason, head] = stampHead(this, reasonOrFields, fields);
      return super.writeHead(statusCode, reason, head);
    }
  };
}

/** Node's response with the service's standing headers (stampingHeads). */
export const StampedResponse = stampingHeads(ServerResponse);
