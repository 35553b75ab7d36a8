"""Rule packs: the condition language, rule, tree and interventions files, and their compiler.

Holds the safe expression parser, the compiler to Python closures and generated code, the
`Rule`, `DecisionTree` and `Rulebook` models, YAML reading with line numbers, the facts a
compiled condition reads, and the walk of a tree over those facts.

May import: `gapdiag.model`.
"""
