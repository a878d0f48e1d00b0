/** How to walk and print one kind of tree node. */
export interface TreeShape<T> {
  children(node: T): readonly T[];
  label(node: T): string;
}

/**
 * Renders a forest with box-drawing branches: `├─` before a child that has siblings after it,
 * `└─` before the last child, and `│` continuing the line of an unfinished parent.
 */
export function renderTree<T>(roots: readonly T[], shape: TreeShape<T>): string[] {
  const lines: string[] = [];
  const visit = (node: T, indent: string, branch: string, childIndent: string) => {
    lines.push(`${indent}${branch}${shape.label(node)}`);
    const children = shape.children(node);
    children.forEach((child, index) => {
      const last = index === children.length - 1;
      visit(child, childIndent, last ? '└─ ' : '├─ ', `${childIndent}${last ? '   ' : '│  '}`);
    });
  };
  for (const root of roots) {
    visit(root, '', '', '');
  }

  return lines;
}
