/** The logged-in user as GET /api/me returns it. */
export interface User {
  id: number
  username: string
  displayName: string
  roles: string[]
  groups: { id: string; isLead: boolean }[]
}

/** Whether the user holds any of `roles`. */
export const hasRole = (user: User, ...roles: string[]) => user.roles.some((r) => roles.includes(r))
