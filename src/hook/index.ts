export { attach } from '../attach/index.js'; // moved: re-export until the solver branch is merged
