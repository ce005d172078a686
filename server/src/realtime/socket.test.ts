import { describe, expect, it } from 'vitest'
import { roomsFor } from './socket'

const task = { taskId: 't1', candidateGroups: ['cab'], candidateUsers: ['kim'], assignee: 'lee' }

describe('live update scoping', () => {
  it('sends task events to the candidate groups, candidate users, assignee and readers only', () => {
    expect(roomsFor({ type: 'task.claimed', task }).sort()).toEqual(
      ['group:cab', 'role:admin', 'role:auditor', 'user:kim', 'user:lee'].sort(),
    )
  })

  it('sends case events to the responsible group and the requester, else to all staff', () => {
    const scoped = roomsFor({
      type: 'case.updated',
      case: {
        kind: 'incident',
        caseId: 'INC-1',
        status: 'open',
        group: 'network',
        requester: 'cora',
      },
    })
    expect(scoped).toEqual(expect.arrayContaining(['group:network', 'user:cora']))
    expect(scoped).not.toContain('role:staff')
    const unassigned = roomsFor({
      type: 'case.created',
      case: { kind: 'incident', caseId: 'INC-2', status: 'new' },
    })
    expect(unassigned).toContain('role:staff')
  })

  it('sends a work note to staff roles only and a reply also to the case requester', () => {
    const activity = (visibility: 'staff' | 'customer') =>
      roomsFor({
        type: 'case.activity',
        case: {
          kind: 'incident',
          caseId: 'INC-3',
          status: 'new',
          group: 'network',
          requester: 'cora',
        },
        entry: {
          id: 'comment:1',
          type: visibility === 'staff' ? 'work-note' : 'reply',
          visibility,
        },
      })
    // 8.1: the customer follows the conversation, never the staff's work notes
    expect(activity('staff').sort()).toEqual(
      ['role:admin', 'role:auditor', 'role:process-owner', 'role:staff'].sort(),
    )
    expect(activity('customer')).toEqual(expect.arrayContaining(['group:network', 'user:cora']))
  })

  it('sends a group notification to the group room and a personal one to the user', () => {
    expect(
      roomsFor({ type: 'notification.created', recipient: 'group:cab', notificationId: '1' }),
    ).toEqual(['group:cab'])
    expect(
      roomsFor({ type: 'notification.created', recipient: 'lee', notificationId: '2' }),
    ).toEqual(['user:lee'])
  })
})
