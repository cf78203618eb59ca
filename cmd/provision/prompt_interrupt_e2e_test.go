package main

import (
	"context"
	"crypto/rand"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Ctrl-C at the confirmation prompt ends apply at once (exit 130), writes
// nothing and releases the stack's lock: it does not wait for a line the
// user will never type.
func TestInterruptAtThePromptEndsApply(t *testing.T) {
	t.Parallel()
	c := newCLI(t)
	path := withStack(t, seedManifest, "prompt")
	in, typing := io.Pipe() // a terminal nobody types on
	t.Cleanup(func() { _ = typing.Close() })
	out, errOut := &syncBuffer{}, &syncBuffer{}
	streams := IOStreams{
		In: in, Out: out, ErrOut: errOut, StdinTTY: true,
		LookupEnv: func(k string) (string, bool) { v, ok := c.env[k]; return v, ok },
		Random:    rand.Reader,
		deps:      c.deps,
	}
	ctx, interrupt := context.WithCancel(context.Background())
	defer interrupt()
	code := make(chan int, 1)
	go func() { code <- run(ctx, []string{"apply", "-f", path}, streams) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Do you want to perform these actions?") },
		10*time.Second, 10*time.Millisecond, "the prompt: %s", errOut.String())
	interrupt()
	select {
	case got := <-code:
		assert.Equal(t, exitInterrupted, got, errOut.String())
	case <-time.After(10 * time.Second):
		t.Fatal("apply still waits for an answer after the interrupt")
	}
	assert.Zero(t, c.emu.Counts()["application"], "nothing written")
	_, _, locks := stackState(t, c.api())
	assert.Empty(t, locks, "the lock is released")
}
