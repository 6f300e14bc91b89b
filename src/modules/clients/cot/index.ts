export * from './cot.schema.ts';
export { listClientParties } from './list-client-parties.ts';
export { addClientParty, type AddClientPartyInput } from './add-client-party.ts';
export { updateClientParty, type UpdateClientPartyInput } from './update-client-party.ts';
export { removeClientParty, type RemoveClientPartyInput } from './remove-client-party.ts';
export { listClientNotes, CLIENT_NOTES_MAX } from './list-client-notes.ts';
export { postClientMessage } from './post-client-message.ts';
export { partyChangeRefusal, type ChangeRefusal } from './party.rules.ts';
