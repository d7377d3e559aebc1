// Click-and-collect staff pages (issue #5): mount `createStaffRoutes(deps)` at `/staff`.
export { createStaffRoutes, defaultClientAddress, type StaffDeps, type StaffEnv } from './routes.tsx';
export { SESSION_COOKIE, SESSION_TTL_SECONDS } from './session.ts';
export { setStorePin, StorePinError, pinProblem } from '../../core/pickups/pin.ts';
