import type { OrganizationDto } from '../../organizations/dto/organization.dto';
import { buildTree, parentOptions } from './organization-tree';

const org = (id: string, name: string, parentId: string | null = null): OrganizationDto => ({
  id, name, parentId, abbreviation: null, locality: null, shortName: null, nameEn: null, path: [],
});

describe('organization tree of the pages', () => {
  const units = [
    org('b', 'Công đoàn ngành Y tế', 'root'),
    org('root', 'Liên đoàn Lao động tỉnh'),
    org('a', 'Công đoàn huyện Dầu Tiếng', 'root'),
    org('a1', 'Công đoàn cơ sở Trường THPT', 'a'),
  ];

  it('nests children under their parent, sorted by Vietnamese name', () => {
    const [root, ...rest] = buildTree(units);
    expect(rest).toHaveLength(0);
    expect(root.org.id).toBe('root');
    expect(root.children.map((c) => c.org.id)).toEqual(['a', 'b']);
    expect(root.children[0].children.map((c) => c.org.id)).toEqual(['a1']);
  });

  it('makes a unit whose parent is out of sight a root (the top of a non-admin subtree)', () => {
    const roots = buildTree([org('a', 'Công đoàn huyện', 'invisible'), org('a1', 'Cơ sở', 'a')]);
    expect(roots.map((r) => r.org.id)).toEqual(['a']);
  });

  it('offers parents in tree order with depth, leaving out the edited unit and its descendants', () => {
    expect(parentOptions(units).map((o) => [o.id, o.depth])).toEqual([['root', 0], ['a', 1], ['a1', 2], ['b', 1]]);
    expect(parentOptions(units, 'a').map((o) => o.id)).toEqual(['root', 'b']);
  });
});
