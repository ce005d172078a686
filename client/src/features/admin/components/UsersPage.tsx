/** Users and groups (administrators): list, create, change roles and groups, deactivate. */
export default function UsersPage() {
  return <h1>Users & groups</h1>
}
