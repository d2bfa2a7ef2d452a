import type { CliCommand } from './command.js';
import { COMMON_HELP, iso, printTable } from './format.js';
import { withSession } from './session.js';

const HELP = `usage: alpr-edge records add --requester NAME [--organization ORG] [--contact TEXT] --description TEXT
       alpr-edge records list [--open]                      (records manager, administrator)
       alpr-edge records progress ID [--note TEXT]          (records manager, administrator)
       alpr-edge records close ID --resolution TEXT         (records manager, administrator)

A request for ALPR data from anyone outside law enforcement (the public, the press, a civil
party) is not answered from this unit (policy 424.5(a)): any user records it here and it is
referred to the Records Manager, who processes it under applicable law and records the outcome.
These commands never show reads, plates or images. Every action is audited.

${COMMON_HELP}`;

export const recordsCommand: CliCommand = {
  name: 'records',
  summary: 'record non-law-enforcement requests and refer them to the Records Manager',
  help: HELP,
  async run(args, io) {
    const [action, ...rest] = args;
    const known = {
      values: ['requester', 'organization', 'contact', 'description', 'resolution', 'note'],
      switches: ['open', 'json'],
    };
    return withSession(rest, io, known, async ({ api, values, switches, positional }) => {
      switch (action) {
        case 'add': {
          const { request: r } = await api.call('addRecordsRequest', {
            requester: values.requester ?? '',
            organization: values.organization,
            contact: values.contact,
            description: values.description ?? '',
          });
          io.out(
            `records request ${r.id} recorded and referred to the Records Manager. No data is released from this unit; tell the requester the Records Manager will respond.`,
          );
          return 0;
        }
        case 'list': {
          const { requests: list } = await api.call('listRecordsRequests', { open: switches.has('open') });
          if (switches.has('json')) io.out(JSON.stringify(list, null, 2));
          else
            printTable(
              io,
              ['ID', 'RECEIVED', 'REQUESTER', 'ORGANIZATION', 'STATUS', 'REQUEST', 'RESOLUTION'],
              list.map((r) => [
                r.id,
                iso(r.receivedAt),
                r.requester,
                r.organization,
                r.status,
                r.description,
                r.resolution,
              ]),
            );
          return 0;
        }
        case 'progress':
        case 'close': {
          const id = Number(positional[0]);
          if (!Number.isInteger(id)) throw new Error(`give the request id: alpr-edge records ${action} ID`);
          const { request: r } = await api.call(
            'updateRecordsRequest',
            {
              status: action === 'close' ? 'closed' : 'in_progress',
              resolution: values.resolution ?? values.note ?? '',
            },
            { id },
          );
          io.out(`records request ${r.id} is ${r.status}`);
          return 0;
        }
        default:
          throw new Error(`unknown action "${action ?? ''}" (see alpr-edge records --help)`);
      }
    });
  },
};
