// Roles and what each may do: the one table every check reads (the HTTP routes, the authorization matrix
// test, the README's role table).
import type { OperatorAction } from '../store/submissions.js';

export const ROLES = ['viewer', 'requester', 'approver', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['read', 'submit', 'withdraw', 'decide', 'operate', 'tokens'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What each permission allows, in words (the README's role table and refusals quote these). */
export const PERMISSION_MEANING: Record<Permission, string> = {
  read: 'read deployments, stages, samples, assessments, the audit trail, the event stream and metrics',
  submit: 'submit deployment requests (the request is recorded as the token name\'s)',
  withdraw: 'withdraw its own requests',
  decide: 'approve or reject gated deployments, never its own request',
  operate: 'pause, resume, promote and abort canaries',
  tokens: 'create, list and revoke tokens',
};

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  requester: ['read', 'submit', 'withdraw'],
  approver: ['read', 'decide'],
  operator: ['read', 'decide', 'operate'],
  admin: ['read', 'submit', 'withdraw', 'decide', 'operate', 'tokens'],
};

/** The permission each operator action needs over HTTP: the action routes are built from it. */
export const ACTION_PERMISSION: Readonly<Record<OperatorAction, Permission>> = {
  approve: 'decide',
  reject: 'decide',
  withdraw: 'withdraw',
  pause: 'operate',
  resume: 'operate',
  promote: 'operate',
  abort: 'operate',
  resolve: 'operate',
};

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export function isRole(text: string): text is Role {
  return (ROLES as readonly string[]).includes(text);
}
