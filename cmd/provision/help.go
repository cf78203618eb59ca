package main

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/spf13/cobra"

	"github.com/provision/provision/internal/manifest"
)

// Help text that spans commands: examples, exit codes, shell completion of
// flag values, and the hint for a manifest path given without -f. Kept here
// so each command's file stays about what it does.

// examples are each command's Example section, by command name. A test
// fails for a command without one.
var examples = map[string]string{
	"validate": `  provision validate -f manifests/librechat.yaml
  provision validate -f prod/           # every *.yaml/*.yml in the directory, merged into one manifest`,
	"plan": `  provision plan -f manifests/librechat.yaml
  provision plan -f manifests/librechat.yaml -o json > plan.json
  provision plan -f prod/ --detailed-exitcode   # exit 2 when there are changes
  provision plan -f prod/ --out stack.plan -o markdown > comment.md   # review, then: provision apply stack.plan`,
	"apply": `  provision apply -f manifests/librechat.yaml              # shows the plan, asks for "yes"
  provision apply -f manifests/librechat.yaml --auto-approve   # in a pipeline
  provision apply stack.plan -o json                       # exactly the plan saved by plan --out
  provision apply -f manifests/librechat.yaml --dry-run`,
	"env": `  provision env -f manifests/librechat.yaml --app librechat
  provision env -f manifests/librechat.yaml --app librechat --out /srv/librechat/.env`,
	"show": `  provision show -f manifests/directory-and-saml.yaml --app wiki
  provision show -f manifests/directory-and-saml.yaml --app wiki -o json`,
	"check": `  provision check -f manifests/librechat.yaml --app librechat
  provision check -f manifests/librechat.yaml --app librechat --env /srv/librechat/.env --wait 60s -o json`,
	"demo": `  provision demo
  provision demo --manifest manifests/directory-and-saml.yaml --dir ./demo-out`,
	"sandbox": `  provision sandbox &
  export AUTHENTIK_URL=http://127.0.0.1:9000 AUTHENTIK_TOKEN=...   # as printed
  provision apply -f manifests/librechat.yaml --auto-approve`,
	"schema": `  provision schema > manifest.schema.json
  # then, on the manifest's first line:
  # yaml-language-server: $schema=manifest.schema.json`,
	"export": `  provision export --app librechat > librechat.yaml
  provision export --all --out everything.yaml
  provision plan -f librechat.yaml --detailed-exitcode   # exits 0: nothing to change`,
	"state": `  provision state list --stack team-a
  provision state release --stack team-a --kind application --key wiki   # then apply team-b, which adopts it
  provision state unlock --stack team-a                                  # after a crashed apply`,
	"state list": `  provision state list                 # every stack's record
  provision state list --stack team-a`,
	"state release": `  provision state release --stack team-a --kind application --key wiki
  provision state release --stack team-a --kind access --key wiki --group "Wiki Users"
  provision state release --stack team-a --kind "outpost attachment" --key "authentik Embedded Outpost" --provider "Wiki Proxy"`,
	"state unlock": `  provision state unlock --stack team-a   # only when the apply holding the lock is dead`,
	"completion": `  source <(provision completion bash)
  provision completion zsh > "${fpath[1]}/_provision"
  provision completion fish > ~/.config/fish/completions/provision.fish`,
	"help": `  provision help plan`,
}

// exitCodesHelp goes at the end of the root help.
const exitCodesHelp = `

Exit codes:
  0  success; with plan --detailed-exitcode: no changes
  1  error (including a declined apply prompt)
  2  plan --detailed-exitcode only: there are changes
  130  interrupted (Ctrl-C, SIGTERM); apply first finishes what is in flight`

// outputFormats are the -o values each command takes, for completion.
var outputFormats = map[string][]string{
	"plan":   {"text", "json", "markdown"},
	"apply":  {"text", "json"},
	"show":   {"text", "json"},
	"check":  {"text", "json"},
	"export": {"yaml"},
}

// decorateHelp adds what spans commands to the tree under root. It runs
// after every command is added.
func decorateHelp(root *cobra.Command, streams IOStreams) {
	root.Long += exitCodesHelp
	root.Example = `  provision validate -f manifests/librechat.yaml
  provision plan -f manifests/librechat.yaml
  provision apply -f manifests/librechat.yaml`
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpCmd()
	noArgs := reflect.ValueOf(cobra.NoArgs).Pointer()
	for _, cmd := range root.Commands() {
		if cmd.Example == "" {
			cmd.Example = examples[cmd.Name()]
		}
		for _, sub := range cmd.Commands() {
			if sub.Example == "" {
				sub.Example = examples[cmd.Name()+" "+sub.Name()]
			}
		}
		if cmd.Flags().Lookup("file") != nil && cmd.Args != nil && reflect.ValueOf(cmd.Args).Pointer() == noArgs {
			cmd.Args = manifestNoArgs
		}
		if formats, ok := outputFormats[cmd.Name()]; ok && cmd.Flags().Lookup("format") != nil {
			_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
		}
		if cmd.Flags().Lookup("app") != nil {
			_ = cmd.RegisterFlagCompletionFunc("app", appSlugCompletion(streams))
		}
		if cmd.Flags().Lookup("file") != nil {
			_ = cmd.MarkFlagFilename("file", "yaml", "yml")
		}
	}
}

// manifestNoArgs refuses positional arguments like cobra.NoArgs, but a
// manifest path given without -f gets told how to pass it.
func manifestNoArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if looksLikeManifest(args[0]) {
		return &usageError{Err: fmt.Errorf("%s takes the manifest with -f: provision %s -f %s", cmd.Name(), cmd.Name(), args[0])}
	}
	return &usageError{Err: fmt.Errorf("unexpected argument %q (see %s --help)", args[0], cmd.CommandPath())}
}

func looksLikeManifest(arg string) bool {
	return strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") || strings.ContainsRune(arg, '/')
}

// appSlugCompletion completes --app with the slugs of the manifest given
// with -f. Unset variables do not stop it: only the slugs are needed.
func appSlugCompletion(streams IOStreams) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		path, _ := cmd.Flags().GetString("file")
		if path == "" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		m, err := manifest.Load(path, func(k string) (string, bool) {
			if v, ok := streams.LookupEnv(k); ok {
				return v, true
			}
			// provision's own settings keep their meaning (an allow-list
			// that is set, even empty, restricts); other variables only
			// need a value for the slugs to load.
			return "", !strings.HasPrefix(k, "PROVISION_")
		})
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, a := range m.Applications {
			if strings.HasPrefix(a.Slug, toComplete) && !a.State.IsAbsent() {
				out = append(out, cobra.CompletionWithDesc(a.Slug, a.Name))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// manifestHint turns cobra's "unknown command" for a manifest path given
// as the command (provision my.yaml) into how to plan it.
func manifestHint(err error, args []string) error {
	if err == nil || len(args) == 0 || !strings.HasPrefix(err.Error(), "unknown command ") || !looksLikeManifest(args[0]) {
		return err
	}
	return &usageError{Err: fmt.Errorf("%q is not a command; to see what a manifest would change: provision plan -f %s", args[0], args[0])}
}
