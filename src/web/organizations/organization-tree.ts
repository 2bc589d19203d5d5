import type { OrganizationDto } from '../../organizations/dto/organization.dto';

/** One unit of the tree page with its children, name-sorted. */
export interface OrganizationNode {
  org: OrganizationDto;
  children: OrganizationNode[];
}

/** A parent choice of the form's select, indented by depth. */
export interface ParentOption {
  id: string;
  label: string;
  depth: number;
}

const byName = (a: OrganizationNode, b: OrganizationNode) => a.org.name.localeCompare(b.org.name, 'vi');

/**
 * Nests a user's visible units. A unit whose parent is not visible (the top of
 * a non-admin's subtree) is a root.
 */
export function buildTree(orgs: OrganizationDto[]): OrganizationNode[] {
  const nodes = new Map(orgs.map((org) => [org.id, { org, children: [] as OrganizationNode[] }]));
  const roots: OrganizationNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.org.parentId ? nodes.get(node.org.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const sort = (list: OrganizationNode[]) => {
    list.sort(byName);
    list.forEach((n) => sort(n.children));
  };
  sort(roots);
  return roots;
}

/**
 * The tree flattened in display order for a parent select; `excludeId` and its
 * descendants are left out (a unit cannot move under itself).
 */
export function parentOptions(orgs: OrganizationDto[], excludeId?: string): ParentOption[] {
  const out: ParentOption[] = [];
  const walk = (list: OrganizationNode[], depth: number) => {
    for (const n of list) {
      if (n.org.id === excludeId) continue;
      out.push({ id: n.org.id, label: n.org.abbreviation ? `${n.org.name} (${n.org.abbreviation})` : n.org.name, depth });
      walk(n.children, depth + 1);
    }
  };
  walk(buildTree(orgs), 0);
  return out;
}
