package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// The pipeline of examples/github-actions/ (issue 30), tested the way a
// user would meet it: the workflows are parsed, and their steps' shell
// lines run here, with the effective shell GitHub would use, in a
// directory that holds only manifests, against the emulator. Only `uses:`
// steps and the install step (a release of provision that does not exist
// here: the test binary stands in for it) are not run.

const examplesDir = "../../examples/github-actions"

type ghWorkflow struct {
	On       map[string]any `yaml:"on"`
	Defaults ghDefaults
	Env      map[string]string
	Jobs     map[string]*ghJob
}

type ghDefaults struct {
	Run struct{ Shell string }
}

type ghJob struct {
	Needs       any
	If          string
	Permissions map[string]string
	Environment string
	Defaults    ghDefaults
	Env         map[string]string
	Steps       []ghStep
}

type ghStep struct {
	Name, Uses, Run, Shell, If string
	WorkingDirectory           string `yaml:"working-directory"`
	Env                        map[string]string
	With                       map[string]any
}

func (s ghStep) label() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Uses
}

// loadWorkflow parses one workflow file.
func loadWorkflow(t *testing.T, path string) *ghWorkflow {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var wf ghWorkflow
	require.NoError(t, yaml.Unmarshal(data, &wf), path)
	return &wf
}

// exampleWorkflows are the example files a manifests-only repository copies.
func exampleWorkflows(t *testing.T) map[string]*ghWorkflow {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(examplesDir, "*.yml"))
	require.NoError(t, err)
	out := map[string]*ghWorkflow{}
	for _, p := range paths {
		out[filepath.Base(p)] = loadWorkflow(t, p)
	}
	require.Subset(t, sortedKeys(out), []string{"plan.yml", "apply.yml", "drift.yml"})
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// shellOf is the shell GitHub runs a step's script with: the step's
// shell:, else the job's defaults, else the workflow's; "" is GitHub's
// default on Linux, `bash -e {0}`, which has no pipefail.
func shellOf(wf *ghWorkflow, job *ghJob, step ghStep) string {
	for _, s := range []string{step.Shell, job.Defaults.Run.Shell, wf.Defaults.Run.Shell} {
		if s != "" {
			return s
		}
	}
	return ""
}

// shellCommand is GitHub's command line for a shell keyword
// (docs.github.com, "jobs.<job_id>.steps[*].shell").
func shellCommand(shell, script string) []string {
	switch shell {
	case "bash":
		return []string{"bash", "--noprofile", "--norc", "-eo", "pipefail", script}
	case "":
		return []string{"bash", "-e", script}
	case "sh":
		return []string{"sh", "-e", script}
	}
	// A custom shell: "bash -euo pipefail {0}".
	return strings.Fields(strings.ReplaceAll(shell, "{0}", script))
}

// TestWorkflowsFailWithAnyCommandOfAPipe: every step of every workflow runs
// with pipefail, so `provision apply ... | tee` fails when provision does.
func TestWorkflowsFailWithAnyCommandOfAPipe(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.yml"))
	require.NoError(t, err)
	own, err := filepath.Glob("../../.github/workflows/*.yml")
	require.NoError(t, err)
	pipes := 0
	for _, path := range append(files, own...) {
		wf := loadWorkflow(t, path)
		for jobName, job := range wf.Jobs {
			for _, step := range job.Steps {
				if step.Run == "" {
					continue
				}
				if strings.Contains(step.Run, "|") {
					pipes++
				}
				cmd := shellCommand(shellOf(wf, job, step), "{0}")
				assert.Contains(t, strings.Join(cmd, " "), "pipefail", "%s: job %s, step %q runs without pipefail", path, jobName, step.label())
			}
		}
	}
	assert.Positive(t, pipes, "no step pipes: is the check looking at the right files?")
}

// TestWorkflowsWorkFromAManifestsOnlyRepository: nothing in the examples
// reads a go.mod or builds provision from the checked-out tree; the tool
// is one pinned release, the same in every workflow; no run: line
// interpolates an expression (values come in through env:).
func TestWorkflowsWorkFromAManifestsOnlyRepository(t *testing.T) {
	t.Parallel()
	version := regexp.MustCompile(`^v\d+\.\d+\.\d+$`)
	versions := map[string]bool{}
	for name, wf := range exampleWorkflows(t) {
		for jobName, job := range wf.Jobs {
			for _, step := range job.Steps {
				code := fmt.Sprint(stripComments(step.Run), " ", step.Uses, " ", step.With)
				for _, banned := range []string{"go-version-file", "go.mod", "go install ./", "go build", "go test", "go run ./", "--edit-last"} {
					assert.NotContains(t, code, banned, "%s: job %s, step %q", name, jobName, step.label())
				}
			}
		}
		tool := wf.Env["TOOL_VERSION"]
		assert.Regexp(t, version, tool, "%s: TOOL_VERSION is a released tag, not a branch or latest", name)
		versions[tool] = true
		for jobName, job := range wf.Jobs {
			installs := 0
			for _, step := range job.Steps {
				assert.NotContains(t, step.Run, "${{", "%s: job %s, step %q: pass expressions through env:, never into the script", name, jobName, step.label())
				for _, line := range strings.Split(step.Run, "\n") {
					if strings.Contains(line, "go install") {
						installs++
						assert.Regexp(t, `go install "(github\.com/provision/provision/cmd/provision@\$\{TOOL_VERSION\}|filippo\.io/age/cmd/age@\$\{AGE_VERSION\})"$`, strings.TrimSpace(line), "%s: job %s", name, jobName)
						assert.Contains(t, line, "GOWORK=off", "%s: a go.work of the repository cannot steer the install", name)
					}
				}
			}
			if jobUsesProvision(job) {
				assert.Positive(t, installs, "%s: job %s runs provision without installing the pinned release", name, jobName)
			}
		}
	}
	assert.Len(t, versions, 1, "every workflow installs the same release: %v", sortedKeys(versions))
	assert.Regexp(t, version, loadWorkflow(t, filepath.Join(examplesDir, "apply.yml")).Env["AGE_VERSION"])
}

var runsProvision = regexp.MustCompile(`(?m)(^|[\s{(|;&])provision (plan|apply|validate|env|check|export)(\s|$)`)

// stripComments drops a script's comment lines.
func stripComments(script string) string {
	var keep []string
	for _, line := range strings.Split(script, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

func jobUsesProvision(job *ghJob) bool {
	return slices.ContainsFunc(job.Steps, func(s ghStep) bool { return runsProvision.MatchString(s.Run) })
}

// stepRunner runs a job's steps as GitHub would, in dir, with the job's
// and step's env: after ${{ }} expressions are replaced from exprs (an
// expression the test does not know fails it). provision and any stub
// commands are found first on PATH.
type stepRunner struct {
	t     *testing.T
	wf    *ghWorkflow
	job   *ghJob
	dir   string
	exprs map[string]string
	env   map[string]string // GitHub's own variables and overrides
	path  string
}

func newStepRunner(t *testing.T, wf *ghWorkflow, jobName, dir string, exprs map[string]string) *stepRunner {
	t.Helper()
	job := wf.Jobs[jobName]
	require.NotNil(t, job, jobName)
	bin := t.TempDir()
	// The test binary is provision (TestMain, PROVISION_AS_CLI).
	wrapper := fmt.Sprintf("#!/bin/sh\nPROVISION_AS_CLI=1 exec %q \"$@\"\n", os.Args[0])
	require.NoError(t, os.WriteFile(filepath.Join(bin, "provision"), []byte(wrapper), 0o755))
	temp := t.TempDir()
	summary := filepath.Join(temp, "step-summary")
	return &stepRunner{t: t, wf: wf, job: job, dir: dir, exprs: exprs, path: bin + string(os.PathListSeparator) + os.Getenv("PATH"), env: map[string]string{
		"RUNNER_TEMP": temp, "GITHUB_STEP_SUMMARY": summary, "GITHUB_SERVER_URL": "https://github.com",
		"GITHUB_REPOSITORY": "acme/identity", "GITHUB_RUN_ID": "7", "HOME": os.Getenv("HOME"), "NO_COLOR": "1",
	}}
}

// stub puts an executable on the runner's PATH ahead of everything else.
func (r *stepRunner) stub(name, script string) {
	dir := strings.SplitN(r.path, string(os.PathListSeparator), 2)[0]
	require.NoError(r.t, os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/bash\n"+script), 0o755))
}

func (r *stepRunner) expand(v string) string {
	r.t.Helper()
	return regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`).ReplaceAllStringFunc(v, func(m string) string {
		key := strings.TrimSpace(m[3 : len(m)-2])
		val, ok := r.exprs[key]
		if !ok {
			r.t.Fatalf("the test does not know the expression %s", m)
		}
		return val
	})
}

func (r *stepRunner) step(name string) ghStep {
	r.t.Helper()
	for _, s := range r.job.Steps {
		if s.Name == name {
			return s
		}
	}
	r.t.Fatalf("no step %q", name)
	return ghStep{}
}

// run runs one step by name and returns its exit code and output.
func (r *stepRunner) run(name string) (int, string) {
	r.t.Helper()
	s := r.step(name)
	require.NotEmpty(r.t, s.Run, name)
	script := filepath.Join(r.t.TempDir(), "step.sh")
	require.NoError(r.t, os.WriteFile(script, []byte(s.Run), 0o600))
	argv := shellCommand(shellOf(r.wf, r.job, s), script)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = r.dir
	env := map[string]string{"PATH": r.path}
	for _, layer := range []map[string]string{r.wf.Env, r.job.Env, s.Env} {
		for k, v := range layer {
			env[k] = r.expand(v)
		}
	}
	for k, v := range r.env {
		env[k] = v
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), string(out)
	}
	require.NoError(r.t, err)
	return 0, string(out)
}

// manifestsOnlyRepo is a directory holding only manifests/librechat.yaml
// (no go.mod, nothing of provision's source), with extra appended to the
// application's outputs.
func manifestsOnlyRepo(t *testing.T, extraOutputs string) string {
	t.Helper()
	dir := t.TempDir()
	src, err := os.ReadFile("../../manifests/librechat.yaml")
	require.NoError(t, err)
	text := string(src)
	if extraOutputs != "" {
		anchor := "        file: librechat.env\n"
		require.Contains(t, text, anchor)
		text = strings.Replace(text, anchor, anchor+extraOutputs, 1)
	}
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "manifests"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "manifests", "librechat.yaml"), []byte(text), 0o644))
	return dir
}

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed here (GitHub's ubuntu runners have it)", tool)
		}
	}
}

// actionlintVersion is the pinned actionlint (github.com/rhysd/actionlint,
// served by the Go module proxy and checked against sum.golang.org).
const actionlintVersion = "v1.7.12"

// TestActionlint runs actionlint on every workflow: the examples and
// provision's own. Not in -short: the first run downloads and builds it.
// serial: builds actionlint once, alone.
func TestActionlint(t *testing.T) {
	if testing.Short() {
		t.Skip("builds actionlint " + actionlintVersion + " from the module proxy")
	}
	files, err := filepath.Glob(filepath.Join(examplesDir, "*.yml"))
	require.NoError(t, err)
	own, err := filepath.Glob("../../.github/workflows/*.yml")
	require.NoError(t, err)
	var abs []string
	for _, f := range append(files, own...) {
		a, err := filepath.Abs(f)
		require.NoError(t, err)
		abs = append(abs, a)
	}
	require.GreaterOrEqual(t, len(abs), 4)
	cmd := exec.Command("go", append([]string{"run", "github.com/rhysd/actionlint/cmd/actionlint@" + actionlintVersion, "-no-color"}, abs...)...)
	cmd.Dir = t.TempDir() // outside this module: go run pkg@version ignores go.mod
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil && regexp.MustCompile(`dial tcp|no such host|proxy\.golang\.org.*(refused|timeout)`).Match(out) {
		t.Skipf("the module proxy is unreachable: %s", out)
	}
	assert.NoError(t, err, "actionlint:\n%s", out)
}
