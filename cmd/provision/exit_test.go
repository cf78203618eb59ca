package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExitCode(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		err  error
		code int
		out  string
	}{
		"success":          {nil, exitOK, ""},
		"changes":          {errChangesPresent, exitChanges, ""},
		"error":            {errors.New("boom"), exitError, "Error: boom\n"},
		"already reported": {&silentError{errors.New("x")}, exitError, ""},
		"apply walk interrupted, summary printed":     {errInterrupted, exitInterrupted, ""},
		"interrupted anywhere else (lock wait, plan)": {fmt.Errorf("list groups: %w", context.Canceled), exitInterrupted, "Interrupted.\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			assert.Equal(t, tc.code, exitCode(tc.err, &b))
			assert.Equal(t, tc.out, b.String())
		})
	}
}
