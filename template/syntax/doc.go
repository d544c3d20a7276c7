// Package syntax lexes and parses Jinja2 templates the way Jinja2 does for
// Ansible, into a syntax tree that package template evaluates.
//
// Sources are lexed with gonja's lexer (github.com/nikolalohinski/gonja/v2)
// under a Syntax (delimiters and whitespace rules); the parser follows
// Jinja2's grammar (jinja2/parser.py) rather than gonja's, whose precedence
// and conditional expressions differ from Jinja2's. A parse failure is an
// *Error with the line of the source it is on, worded as Jinja2 words it.
//
// The package knows nothing of evaluation: names, filters, tests and
// lookups are only names here, bound when a template runs. The one thing
// it knows of Ansible's filters is which make text (Template.KeepText),
// since that is decided by the source alone.
package syntax
