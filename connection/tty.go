package connection

import "context"

type ttyKey struct{}

// WithTTY asks an SSH connection to run the commands started with ctx on
// a terminal, as Ansible's ssh connection runs raw (ssh -tt): the
// command's errors then arrive in its output, with the terminal's CRLF
// line ends. The local connection has no terminal to give, as Ansible's.
func WithTTY(ctx context.Context) context.Context {
	return context.WithValue(ctx, ttyKey{}, true)
}

// wantsTTY reports whether ctx asks for a terminal.
func wantsTTY(ctx context.Context) bool {
	v, _ := ctx.Value(ttyKey{}).(bool)
	return v
}
