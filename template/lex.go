package template

import (
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// lexConfig is Ansible's Jinja2 environment: trim_blocks on, lstrip_blocks
// off, and trailing newlines kept (Ansible keeps them for template files and
// re-adds them for plain strings, which amounts to the same).
var lexConfig = func() *config.Config {
	c := config.New()
	c.TrimBlocks = true
	c.LeftStripBlocks = false
	c.KeepTrailingNewline = true
	return c
}()

// lex splits src into tokens with gonja's lexer, dropping whitespace tokens.
func lex(src string) ([]*tokens.Token, *tokens.Token) {
	s := tokens.LexAll(protectFinalBackslash(src), lexConfig)
	var out []*tokens.Token
	for !s.End() {
		out = append(out, s.Current())
		s.Next()
	}
	if s.IsError() {
		return out, s.Current()
	}
	return append(out, s.Current()), nil // the EOF token
}
