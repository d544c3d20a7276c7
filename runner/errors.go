package runner

import (
	"errors"
	"fmt"

	"github.com/gansible/gansible/vault"
)

// Exit codes of ansible-playbook, which gansible keeps.
const (
	ExitOK          = 0
	ExitGeneral     = 1   // a general error
	ExitHostFailed  = 2   // one or more hosts failed
	ExitUnreachable = 4   // one or more hosts were unreachable
	ExitParser      = 4   // the playbook or inventory could not be parsed
	ExitOptions     = 5   // bad command-line options
	ExitInterrupted = 99  // interrupted by the user
	ExitInternal    = 250 // an unexpected error
)

// ExitError is an error that ends the run with a given exit code.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }

// ParserError marks err as a parse error of the playbook or inventory. A
// vaulted file that cannot be decrypted is, as in Ansible, a general error.
func ParserError(err error) error {
	var v *vault.Error
	if errors.As(err, &v) {
		return &ExitError{Code: ExitGeneral, Err: err}
	}
	return &ExitError{Code: ExitParser, Err: err}
}

// OptionsError marks err as a bad command-line option.
func OptionsError(err error) error { return &ExitError{Code: ExitOptions, Err: err} }

// ExitCode is the process exit code for err: its ExitError code, or the
// general error code.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *ExitError
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitGeneral
}
