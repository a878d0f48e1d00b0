import { describe, expect, it } from 'vitest';

import { renderTree } from './render-tree.ts';

interface Node {
  name: string;
  children: Node[];
}

const node = (name: string, ...children: Node[]): Node => ({ name, children });
const shape = { children: (n: Node) => n.children, label: (n: Node) => n.name };

describe('renderTree', () => {
  it('draws siblings with continuing branches', () => {
    const forest = [node('root', node('a', node('a1'), node('a2')), node('b')), node('other')];

    const lines = renderTree(forest, shape);

    expect(lines).toEqual(['root', '├─ a', '│  ├─ a1', '│  └─ a2', '└─ b', 'other']);
  });

  it('prints a lone root as one line', () => {
    expect(renderTree([node('single')], shape)).toEqual(['single']);
  });
});
