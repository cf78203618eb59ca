package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/operation"
	"github.com/provision/provision/internal/plan"
)

// connFlags registers how to reach authentik: flags first, then the
// environment (operation.Connect).
func connFlags(cmd *cobra.Command, f *operation.Conn) {
	cmd.Flags().StringVar(&f.URL, "url", "", "authentik URL (default $AUTHENTIK_URL)")
	cmd.Flags().StringVar(&f.TokenFile, "token-file", "", "file holding the API token (default: $AUTHENTIK_TOKEN)")
	cmd.Flags().StringVar(&f.CAFile, "ca-file", "", "PEM bundle of CAs to trust besides the system's (default $AUTHENTIK_CA_FILE)")
	cmd.Flags().DurationVar(&f.Timeout, "timeout", authentik.DefaultTimeout, "time limit of each request to authentik")
	if cmd.Name() == "check" {
		return // check's --wait waits for the client app (check_client.go)
	}
	cmd.Flags().DurationVar(&f.Wait, "wait", 0, "wait up to this long for authentik to answer (root config, then the token accepted), e.g. 2m")
}

// connect builds the API client (operation.Connect).
func connect(ctx context.Context, streams IOStreams, f operation.Conn) (*authentik.Client, error) {
	return operation.Connect(ctx, streams.ops(), f)
}

// ops are the operations' dependencies from the streams and the test deps:
// notes go to stderr, secrets to the run's redactor.
func (s IOStreams) ops() operation.Deps {
	return operation.Deps{HTTPClient: s.deps.httpClient, Clock: s.deps.clock, RetryBackoff: s.deps.retryBackoff, LockPoll: s.deps.lockPoll,
		LookupEnv: s.LookupEnv, Random: s.Random, Redactor: s.Redactor, Log: s.ErrOut, Debug: s.debugEnabled, UserAgent: "provision/" + buildVersion()}
}

// debugEnabled reports --debug or PROVISION_DEBUG set to a true value.
func (s IOStreams) debugEnabled() bool {
	if s.debug != nil && *s.debug {
		return true
	}
	on, _ := strconv.ParseBool(s.Getenv("PROVISION_DEBUG"))
	return on
}

// scopeFlags are --no-prune and --target (plan and apply): what a plan
// may touch.
func scopeFlags(cmd *cobra.Command, s *operation.Scope) {
	cmd.Flags().BoolVar(&s.NoPrune, "no-prune", false, "keep the objects the stack owns that the manifest no longer declares (listed, left in authentik and in the record)")
	cmd.Flags().StringArrayVar(&s.Targets, "target", nil, "limit the plan to this object, KIND/KEY (e.g. group/Chat Users), and what it references; repeatable")
}

// manifestFlag is -f/--file, required by every command that reads a manifest.
func manifestFlag(cmd *cobra.Command, path *string) {
	cmd.Flags().StringVarP(path, "file", "f", "", "manifest file or directory of *.yaml/*.yml files (required)")
	_ = cmd.MarkFlagRequired("file")
}

// loadManifest loads, then validates a manifest (operation.LoadManifest).
func loadManifest(path string, streams IOStreams) (*manifest.Manifest, error) {
	return operation.LoadManifest(streams.ops(), path, "", nil)
}

// outputDirFlag is --output-dir, for the commands that read or write outputs.
func outputDirFlag(cmd *cobra.Command, dir *string) {
	cmd.Flags().StringVar(dir, "output-dir", "", "directory output files are relative to and confined to (default: the manifest's directory); absolute output paths are allowed inside it")
}

// notes prints the manifest's notes on stderr: that a manifest without a
// stack prunes nothing (once), and each application open to every user.
func notes(streams IOStreams, m *manifest.Manifest, st *operation.State) {
	if m.Stack == "" && st != nil && streams.once("no stack") {
		fmt.Fprintln(streams.ErrOut, "Note: the manifest names no stack, so nothing will be pruned: objects removed from it stay in authentik. Add \"stack: NAME\" to let provision own and prune what it manages.")
	}
	var live *plan.Live
	if st != nil {
		live = st.Live
	}
	for _, w := range operation.OpenAppWarnings(m, live) {
		fmt.Fprintln(streams.ErrOut, w)
	}
}
