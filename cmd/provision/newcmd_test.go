package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/internal/plan"
)

// Flag-level tests, gh's NewCmdX(f, runF) pattern: each command's
// constructor takes the run function, which these tests replace to assert
// the options the flags parsed into. Nothing is read and no request is
// sent: the streams have no environment and no authentik.

// parse runs cmd with args and returns its stderr and error.
func parse(t *testing.T, cmd *cobra.Command, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetContext(context.Background())
	err := cmd.Execute()
	return errOut.String(), err
}

func flagStreams() (IOStreams, *bytes.Buffer) {
	var errOut bytes.Buffer
	return IOStreams{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &errOut, LookupEnv: func(string) (string, bool) { return "", false }}, &errOut
}

var defaultConn = operation.Conn{Timeout: authentik.DefaultTimeout}

func TestNewPlanCmd(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args    []string
		want    planOptions
		wantErr string
	}{
		"defaults": {args: []string{"-f", "m.yaml"},
			want: planOptions{PlanOptions: operation.PlanOptions{Path: "m.yaml", Conn: defaultConn}, Output: "text"}},
		"every flag": {args: []string{"-f", "m.yaml", "-o", "markdown", "--out", "p.plan", "--detailed-exitcode", "--output-dir", "out", "--url", "https://ak", "--token-file", "tok", "--ca-file", "ca.pem", "--timeout", "5s", "--wait", "1m"},
			want: planOptions{PlanOptions: operation.PlanOptions{Path: "m.yaml", OutputDir: "out", Conn: operation.Conn{URL: "https://ak", TokenFile: "tok", CAFile: "ca.pem", Timeout: 5 * time.Second, Wait: time.Minute}},
				Output: "markdown", Out: "p.plan", DetailedExitCode: true}},
		"unknown format":  {args: []string{"-f", "m.yaml", "-o", "yaml"}, wantErr: `unknown output format "yaml": use text, json, markdown or github`},
		"no manifest":     {args: []string{}, wantErr: `required flag(s) "file" not set`},
		"positional":      {args: []string{"-f", "m.yaml", "extra"}, wantErr: `unknown command "extra"`},
		"old output flag": {args: []string{"-f", "m.yaml", "--output", "json"}, want: planOptions{PlanOptions: operation.PlanOptions{Path: "m.yaml", Conn: defaultConn}, Output: "json"}},
	} {
		t.Run(name, func(t *testing.T) {
			streams, _ := flagStreams()
			var got *planOptions
			_, err := parse(t, newPlanCmd(streams, func(o *planOptions) error { got = o; return nil }), tc.args...)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				assert.Nil(t, got, "run despite the error")
				return
			}
			require.NoError(t, err)
			require.NotNil(t, got)
			got.io, got.ctx = IOStreams{}, nil
			assert.Equal(t, tc.want, *got)
		})
	}
}

func TestNewApplyCmd(t *testing.T) {
	t.Parallel()
	base := operation.ApplyOptions{Path: "m.yaml", Parallelism: plan.DefaultParallelism, Conn: defaultConn}
	for name, tc := range map[string]struct {
		args    []string
		want    func(o *applyOptions)
		wantErr string
	}{
		"defaults": {args: []string{"-f", "m.yaml"}, want: func(o *applyOptions) { o.Output = "text" }},
		"saved plan and json": {args: []string{"p.plan", "-o", "json", "--auto-approve"}, want: func(o *applyOptions) {
			o.Path, o.SavedPlan, o.Output, o.AutoApprove = "", "p.plan", "json", true
			o.Conn.CountRequests = true // -o json counts each change's requests
		}},
		"walk flags": {args: []string{"-f", "m.yaml", "--dry-run", "--parallelism", "3", "--lock-timeout", "30s", "--output-dir", "d", "--target", "flow/login"}, want: func(o *applyOptions) {
			o.Output, o.DryRun, o.Parallelism, o.LockTimeout, o.OutputDir = "text", true, 3, 30*time.Second, "d"
			o.Scope.Targets = []string{"flow/login"}
		}},
		"parallelism zero": {args: []string{"-f", "m.yaml", "--parallelism", "0"}, wantErr: "--parallelism must be at least 1, got 0"},
		"unknown format":   {args: []string{"-f", "m.yaml", "-o", "markdown"}, wantErr: `unknown output format "markdown": use text or json`},
		"two plans":        {args: []string{"a.plan", "b.plan"}, wantErr: "accepts at most 1 arg(s)"},
	} {
		t.Run(name, func(t *testing.T) {
			streams, _ := flagStreams()
			var got *applyOptions
			_, err := parse(t, newApplyCmd(streams, func(o *applyOptions) error { got = o; return nil }), tc.args...)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			require.NotNil(t, got)
			want := applyOptions{ApplyOptions: base}
			tc.want(&want)
			got.io, got.ctx = IOStreams{}, nil
			assert.Equal(t, want, *got)
		})
	}
}

func TestNewEnvCmd(t *testing.T) {
	t.Parallel()
	streams, _ := flagStreams()
	var got *envOptions
	_, err := parse(t, newEnvCmd(streams, func(o *envOptions) error { got = o; return nil }), "-f", "m.yaml", "--app", "chat", "--output", "web", "--out", "chat.env", "--output-dir", "d")
	require.NoError(t, err)
	assert.Equal(t, operation.EnvOptions{Conn: defaultConn, Path: "m.yaml", App: "chat", Output: "web", Out: "chat.env", OutputDir: "d"}, got.EnvOptions)

	_, err = parse(t, newEnvCmd(streams, func(*envOptions) error { t.Error("run without --app"); return nil }), "-f", "m.yaml")
	assert.ErrorContains(t, err, `required flag(s) "app" not set`)
}

func TestNewCheckCmd(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args     []string
		want     operation.CheckOptions
		wantErr  string
		wantWarn string
	}{
		"every flag": {args: []string{"-f", "m.yaml", "--app", "chat", "--env", "x.env", "--output", "web", "--client-url", "http://c", "--wait", "60s", "--require-client", "-o", "json", "--ca-file", "ca.pem"},
			want: operation.CheckOptions{Conn: operation.Conn{CAFile: "ca.pem", Timeout: authentik.DefaultTimeout}, Path: "m.yaml", App: "chat", EnvFile: "x.env", OutputName: "web",
				ClientURL: "http://c", ClientWait: time.Minute, RequireClient: true, Format: "json"}},
		// check's --wait waits for the client app, not for authentik.
		"wait is the client's": {args: []string{"-f", "m.yaml", "--app", "a", "--wait", "5s"},
			want: operation.CheckOptions{Conn: defaultConn, Path: "m.yaml", App: "a", ClientWait: 5 * time.Second, Format: "text"}},
		"old output-name": {args: []string{"-f", "m.yaml", "--app", "a", "--output-name", "web"},
			want:     operation.CheckOptions{Conn: defaultConn, Path: "m.yaml", App: "a", OutputName: "web", Format: "text"},
			wantWarn: "--output-name web is the old spelling of --output web"},
		"unknown format": {args: []string{"-f", "m.yaml", "--app", "a", "-o", "yaml"}, wantErr: `unknown output format "yaml": use text or json`},
		"negative wait":  {args: []string{"-f", "m.yaml", "--app", "a", "--wait", "-1s"}, wantErr: "--wait must not be negative"},
	} {
		t.Run(name, func(t *testing.T) {
			streams, errOut := flagStreams()
			var got *checkOptions
			_, err := parse(t, newCheckCmd(streams, func(o *checkOptions) error { got = o; return nil }), tc.args...)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.CheckOptions)
			if tc.wantWarn != "" {
				assert.Contains(t, errOut.String(), tc.wantWarn)
			}
		})
	}
}

func TestNewShowCmd(t *testing.T) {
	t.Parallel()
	streams, _ := flagStreams()
	var got *showOptions
	_, err := parse(t, newShowCmd(streams, func(o *showOptions) error { got = o; return nil }), "-f", "m.yaml", "--app", "wiki", "-o", "json", "--url", "https://ak")
	require.NoError(t, err)
	assert.Equal(t, operation.ShowOptions{Conn: operation.Conn{URL: "https://ak", Timeout: authentik.DefaultTimeout}, Path: "m.yaml", App: "wiki"}, got.ShowOptions)
	assert.Equal(t, "json", got.Output)

	_, err = parse(t, newShowCmd(streams, func(*showOptions) error { t.Error("run with -o yaml"); return nil }), "-f", "m.yaml", "--app", "wiki", "-o", "yaml")
	assert.ErrorContains(t, err, `unknown output format "yaml"`)
}

func TestNewExportCmd(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args     []string
		want     operation.ExportOptions
		wantErr  string
		wantWarn string
	}{
		"apps and flows": {args: []string{"--app", "a", "--app", "b", "--flow", "login", "--out", "x.yaml"},
			want: operation.ExportOptions{Conn: defaultConn, Apps: []string{"a", "b"}, Flows: []string{"login"}, Out: "x.yaml"}},
		"all":          {args: []string{"--all"}, want: operation.ExportOptions{Conn: defaultConn, All: true}},
		"old -o FILE":  {args: []string{"--all", "-o", "x.yaml"}, want: operation.ExportOptions{Conn: defaultConn, All: true, Out: "x.yaml"}, wantWarn: "-o x.yaml as a file is the old spelling of --out x.yaml"},
		"-o json":      {args: []string{"--all", "-o", "json"}, wantErr: `unknown output format "json": export writes a manifest, in YAML`},
		"-o and --out": {args: []string{"--all", "-o", "x.yaml", "--out", "y.yaml"}, wantErr: "use -o yaml, and --out for the file"},
		"nothing":      {args: []string{}, wantErr: "give --app SLUG or --flow SLUG (each repeatable), or --all"},
		"both":         {args: []string{"--all", "--app", "a"}, wantErr: "give --app SLUG or --flow SLUG (each repeatable), or --all"},
	} {
		t.Run(name, func(t *testing.T) {
			streams, errOut := flagStreams()
			var got *exportOptions
			_, err := parse(t, newExportCmd(streams, func(o *exportOptions) error { got = o; return nil }), tc.args...)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				assert.Nil(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.ExportOptions)
			if tc.wantWarn != "" {
				assert.Contains(t, errOut.String(), tc.wantWarn)
			}
		})
	}
}

func TestNewStateReleaseCmd(t *testing.T) {
	t.Parallel()
	streams, _ := flagStreams()
	var got *releaseOptions
	_, err := parse(t, newStateReleaseCmd(streams, func(o *releaseOptions) error { got = o; return nil }), "--stack", "team-a", "--kind", "access", "--key", "wiki", "--group", "Wiki Users")
	require.NoError(t, err)
	assert.Equal(t, "team-a", got.Stack)
	assert.Equal(t, plan.Owned{Kind: "access", Key: "wiki", Group: "Wiki Users"}, got.Owned)
	assert.Equal(t, defaultConn, got.Conn)

	_, err = parse(t, newStateReleaseCmd(streams, func(*releaseOptions) error { t.Error("run without --key"); return nil }), "--stack", "team-a", "--kind", "access")
	assert.ErrorContains(t, err, `required flag(s) "key" not set`)
}
