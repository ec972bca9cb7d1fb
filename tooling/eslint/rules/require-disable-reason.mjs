// An eslint-disable comment must say why: `// eslint-disable-next-line <rule> -- <reason>`.
// (ESLint parses the text after ` -- ` as the directive's description but never requires one.)
const DIRECTIVE = /^\s*eslint-disable(?:-next-line|-line)?(?:\s|$)/;

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'suggestion',
    docs: { description: 'Require a reason (` -- why`) on every eslint-disable comment' },
    schema: [],
    messages: { missing: 'Say why after " -- " (e.g. "// eslint-disable-next-line <rule> -- <reason>").' },
  },
  create(context) {
    return {
      Program() {
        for (const comment of context.sourceCode.getAllComments()) {
          if (!DIRECTIVE.test(comment.value)) continue;
          const reason = comment.value.split(/\s--\s/)[1];
          if (!reason || !reason.trim()) context.report({ loc: comment.loc, messageId: 'missing' });
        }
      },
    };
  },
};
