package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/provision/provision/internal/operation"
)

// Exit codes, decided here and nowhere else.
//
//	0  success; with --detailed-exitcode: success and no changes
//	1  error
//	2  with --detailed-exitcode: success and the plan has changes
//	130 interrupted (SIGINT or SIGTERM)
const (
	exitOK      = 0
	exitError   = 1
	exitChanges = 2
	// exitInterrupted is 128+SIGINT, as shells report a process ended by Ctrl-C.
	exitInterrupted = 130
)

// errInterrupted is an apply stopped by an interrupt after it reported
// what was done.
var errInterrupted = &silentError{errors.New("interrupted")}

// errChangesPresent is returned by plan --detailed-exitcode when the plan is
// not empty. It is not an error for the user: nothing is printed.
var errChangesPresent = errors.New("changes present")

// usageError is a mistake in the command line; usage is printed with it.
type usageError = operation.UsageError

// silentError has already been reported to the user.
type silentError struct{ err error }

func (e *silentError) Error() string { return e.err.Error() }
func (e *silentError) Unwrap() error { return e.err }

// exitCode maps the error a command returned to the process exit code and
// prints it to errOut when the user has not seen it yet.
func exitCode(err error, errOut io.Writer) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errChangesPresent) {
		return exitChanges
	}
	if errors.Is(err, errInterrupted) {
		return exitInterrupted
	}
	var silent *silentError
	if errors.As(err, &silent) {
		return exitError
	}
	if errors.Is(err, context.Canceled) {
		// The command's context ends only on SIGINT/SIGTERM: one rule for
		// every interrupt, wherever it lands (waiting for the lock,
		// planning, writing), as for an interrupted apply walk.
		fmt.Fprintln(errOut, "Interrupted.")
		return exitInterrupted
	}
	fmt.Fprintf(errOut, "Error: %s\n", err)
	return exitError
}
