package syntax

import (
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/tokens"
)

// Syntax is the part of a Jinja2 environment that decides how a source is
// lexed: the delimiters, the whitespace rules and the newline written for
// the template's own line ends. The template module's options and a
// template's "#jinja2:" header change it.
type Syntax struct {
	BlockStart, BlockEnd       string
	VariableStart, VariableEnd string
	CommentStart, CommentEnd   string
	TrimBlocks, LstripBlocks   bool
	// KeepTrailingNewline is Jinja2's setting, off in Ansible: the lexer
	// drops one newline ending a source. Only the outermost template gets
	// its newlines back (Ansible's preserve_trailing_newlines), so an
	// included template loses its last newline.
	KeepTrailingNewline bool
	NewlineSequence     string
}

// DefaultSyntax is Ansible's environment: Jinja2's delimiters, trim_blocks
// on, lstrip_blocks off.
func DefaultSyntax() Syntax {
	return Syntax{
		BlockStart: "{%", BlockEnd: "%}",
		VariableStart: "{{", VariableEnd: "}}",
		CommentStart: "{#", CommentEnd: "#}",
		TrimBlocks:      true,
		NewlineSequence: "\n",
	}
}

var defaultConfig = DefaultSyntax().config()

func (s Syntax) config() *config.Config {
	c := config.New()
	c.BlockStartString, c.BlockEndString = s.BlockStart, s.BlockEnd
	c.VariableStartString, c.VariableEndString = s.VariableStart, s.VariableEnd
	c.CommentStartString, c.CommentEndString = s.CommentStart, s.CommentEnd
	c.TrimBlocks = s.TrimBlocks
	c.LeftStripBlocks = s.LstripBlocks
	c.KeepTrailingNewline = s.KeepTrailingNewline
	c.NewlineSequence = s.NewlineSequence
	return c
}

// lex splits src into tokens with gonja's lexer, dropping whitespace tokens.
func lex(src string, syn Syntax) ([]*tokens.Token, *tokens.Token) {
	cfg := defaultConfig
	if syn != DefaultSyntax() {
		cfg = syn.config()
	}
	s := tokens.LexAll(protectFinalBackslash(src), cfg)
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
