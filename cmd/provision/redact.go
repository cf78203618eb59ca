package main

import "github.com/provision/provision/internal/redact"

// redacted wraps the output streams with one Redactor: every byte a command
// prints (stdout, stderr, errors, JSON, the sandbox's request log) passes
// through it. Commands register the secrets they learn with
// streams.secret(...). The returned flush writes any held-back tail. A
// Redactor already in s is used (tests pass one, to count its work).
func redacted(s IOStreams) (IOStreams, func()) {
	r := s.Redactor
	if r == nil {
		r = redact.New()
	}
	if s.deps.noRedaction {
		r.Disable()
	}
	out, errOut := redact.NewWriter(s.Out, r), redact.NewWriter(s.ErrOut, r)
	s.Out, s.ErrOut, s.Redactor = out, errOut, r
	return s, func() {
		_ = out.Flush()
		_ = errOut.Flush()
	}
}

// secret registers values to mask in every output of this run.
func (s IOStreams) secret(values ...string) {
	if s.Redactor != nil {
		s.Redactor.Add(values...)
	}
}
