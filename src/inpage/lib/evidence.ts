export { fingerprint } from '../../model/inpage.js'; // moved: re-export until the solver branch is merged
