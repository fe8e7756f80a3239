// The control file's writer (pause, resume, policy), loaded only when the user changes the
// control file (`loadControlApi()`): it scrubs pause reasons, and the scrubber's provider rules and
// phone library would otherwise be parsed when the Audit Log first opens. Its own bundle:
// dist/extension-control.cjs.
export { updateControlFile } from '../../store/control/control-update.ts';
