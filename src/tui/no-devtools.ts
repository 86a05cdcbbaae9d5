/**
 * Stands in for React DevTools in the bundled UI (scripts/bundle-ui.mjs): ink
 * connects to them only when DEV=true, which agent never sets.
 */
export default {
  initialize(): void {},
  connectToDevTools(): void {},
};
