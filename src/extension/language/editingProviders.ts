// Folding and Expand Selection for SuperCollider files, read from the code itself
// (foldingRanges.ts, selectionRanges.ts): brackets, comments and regions fold; a selection grows
// from a word to its argument, call, statement and block.
import * as vscode from 'vscode';
import { foldingRanges, selectionRanges } from '../../core';
import type { FoldKind } from '../../core';

const SELECTOR = { language: 'supercollider' };

const FOLD_KIND: Record<FoldKind, vscode.FoldingRangeKind | undefined> = {
  code: undefined,
  comment: vscode.FoldingRangeKind.Comment,
  region: vscode.FoldingRangeKind.Region,
};

export function registerEditingProviders(): vscode.Disposable[] {
  return [
    vscode.languages.registerFoldingRangeProvider(SELECTOR, {
      provideFoldingRanges: (doc) => foldingRanges(doc.getText()).map((fold) => new vscode.FoldingRange(fold.start, fold.end, FOLD_KIND[fold.kind])),
    }),
    vscode.languages.registerSelectionRangeProvider(SELECTOR, {
      provideSelectionRanges: (doc, positions) => {
        const text = doc.getText();
        return positions.map((position) => {
          const ranges = selectionRanges(text, doc.offsetAt(position));
          let selection: vscode.SelectionRange | undefined;
          // The outermost first: each inner range names the one around it as its parent.
          for (const range of ranges.reverse()) selection = new vscode.SelectionRange(new vscode.Range(doc.positionAt(range.start), doc.positionAt(range.end)), selection);
          return selection ?? new vscode.SelectionRange(new vscode.Range(position, position));
        });
      },
    }),
  ];
}
