package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/emulator"
	"github.com/provision/provision/internal/emulator/emulatortest"
)

// The workflows' steps run here against the emulator, from a directory
// that holds only manifests (pipeline_test.go has the runner).

func pipelineExprs(url, token string) map[string]string {
	return map[string]string{
		"matrix.stack":                       "librechat",
		"vars.AUTHENTIK_URL":                 url,
		"secrets.AUTHENTIK_TOKEN":            token,
		"secrets.PLAN_TOKEN":                 token,
		"vars.LIBRECHAT_URL":                 "https://chat.example.com",
		"github.event.pull_request.head.sha": "0123abc",
		"github.event.pull_request.number":   "42",
		"github.token":                       "gh-token",
		"github.repository":                  "acme/identity",
		"vars.OUTPUTS_AGE_RECIPIENT":         "age1recipient",
		"secrets.KUBECONFIG":                 "apiVersion: v1\nkind: Config\n",
	}
}

// TestApplyStepFailsOnAStalePlan is issue 30's first finding: a stale plan
// made `provision apply plan.json -o json | tee apply.json` exit 0 under
// GitHub's default `bash -e`. The step, run with the workflow's shell,
// fails; run with the default shell, the same line passes.
func TestApplyStepFailsOnAStalePlan(t *testing.T) {
	t.Parallel()
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	dir := manifestsOnlyRepo(t, "")
	r := newStepRunner(t, loadWorkflow(t, filepath.Join(examplesDir, "apply.yml")), "apply", dir, pipelineExprs(srv.URL, emu.Token()))

	code, out := r.run("Plan from the merged commit")
	require.Equal(t, 0, code, out)
	summary, err := os.ReadFile(r.env["GITHUB_STEP_SUMMARY"])
	require.NoError(t, err)
	assert.Contains(t, string(summary), "LibreChat", "the plan is in the job summary")

	// The manifest changes between plan and apply: the plan is stale.
	manifest := filepath.Join(dir, "manifests", "librechat.yaml")
	data, err := os.ReadFile(manifest)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(manifest, []byte(strings.ReplaceAll(string(data), "LibreChat Users", "LibreChat People")), 0o644))

	code, out = r.run("Apply exactly that plan")
	assert.Equal(t, 1, code, "a stale plan fails the step: %s", out)
	report, err := os.ReadFile(filepath.Join(dir, "apply.json"))
	require.NoError(t, err)
	assert.Contains(t, string(report), "the plan is stale", "tee still keeps the report")
	assert.Zero(t, emu.Writes(), "nothing written")

	// The same line under GitHub's default shell (no `shell:`): green.
	// This is why the workflow sets `shell: bash`.
	step := r.step("Apply exactly that plan")
	script := filepath.Join(t.TempDir(), "step.sh")
	require.NoError(t, os.WriteFile(script, []byte(step.Run), 0o600))
	r.wf = &ghWorkflow{Env: r.wf.Env, Jobs: r.wf.Jobs}
	r.job = &ghJob{Env: r.job.Env, Steps: r.job.Steps}
	code, out = r.run("Apply exactly that plan")
	assert.Equal(t, 0, code, "without pipefail the stale apply looks green: %s", out)
}

// TestApplyDeliversTheOutputs: the files apply writes leave the runner, a
// Kubernetes Secret through kubectl apply and a .env encrypted with age
// into the directory the next step uploads; with neither destination
// configured the step fails instead of dropping them.
func TestApplyDeliversTheOutputs(t *testing.T) {
	t.Parallel()
	requireTools(t, "bash", "jq")
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	dir := manifestsOnlyRepo(t, `      librechat-k8s:
        preset: librechat
        url: ${LIBRECHAT_URL}
        format: kubernetes-secret
        namespace: chat
        file: librechat-secret.yaml
`)
	wf := loadWorkflow(t, filepath.Join(examplesDir, "apply.yml"))
	r := newStepRunner(t, wf, "apply", dir, pipelineExprs(srv.URL, emu.Token()))
	calls := filepath.Join(t.TempDir(), "calls")
	r.stub("kubectl", fmt.Sprintf(`echo "kubectl $* KUBECONFIG=$KUBECONFIG $(stat -c %%a "$KUBECONFIG")" >> %q`+"\n", calls))
	// age -r RECIPIENT -o OUT FILE: the stub writes no plain text.
	r.stub("age", fmt.Sprintf(`echo "age $*" >> %q; [[ $1 == -r && $3 == -o ]] || exit 2; echo "age-encryption.org/v1 (stub)" > "$4"`+"\n", calls))

	for _, step := range []string{"Plan from the merged commit", "Apply exactly that plan", "Deliver the outputs"} {
		code, out := r.run(step)
		require.Equal(t, 0, code, "%s: %s", step, out)
	}
	got, err := os.ReadFile(calls)
	require.NoError(t, err)
	temp := r.env["RUNNER_TEMP"]
	kubeconfig := filepath.Join(temp, "kubeconfig")
	assert.Equal(t, []string{
		"age -r age1recipient -o " + filepath.Join(temp, "provision-outputs", "manifests_librechat.env.age") + " manifests/librechat.env",
		"kubectl apply -f manifests/librechat-secret.yaml KUBECONFIG=" + kubeconfig + " 600",
	}, sortedLines(string(got)))

	// The upload step takes exactly the encrypted files.
	upload := r.step("Upload the encrypted outputs")
	pattern := strings.ReplaceAll(fmt.Sprint(upload.With["path"]), "${{ runner.temp }}", temp)
	uploaded, err := filepath.Glob(pattern)
	require.NoError(t, err)
	assert.Equal(t, []string{filepath.Join(temp, "provision-outputs", "manifests_librechat.env.age")}, uploaded)
	entries, err := os.ReadDir(filepath.Join(temp, "provision-outputs"))
	require.NoError(t, err)
	assert.Len(t, entries, 1, "nothing else, and no plain text, is uploaded")

	// No destination configured: the step fails and says which setting.
	for _, unset := range []struct{ expr, want string }{
		{"vars.OUTPUTS_AGE_RECIPIENT", "OUTPUTS_AGE_RECIPIENT"},
		{"secrets.KUBECONFIG", "the secret KUBECONFIG is not set"},
	} {
		exprs := pipelineExprs(srv.URL, emu.Token())
		exprs[unset.expr] = ""
		r2 := newStepRunner(t, wf, "apply", dir, exprs)
		r2.stub("kubectl", "exit 0\n")
		r2.stub("age", `echo x > "$4"`+"\n")
		code, out := r2.run("Deliver the outputs")
		assert.Equal(t, 1, code, out)
		assert.Contains(t, out, "::error file=manifests/librechat.yaml::", out)
		assert.Contains(t, out, unset.want)
	}
}

func sortedLines(s string) []string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return sortedKeys(func() map[string]bool {
		m := map[string]bool{}
		for _, l := range lines {
			m[l] = true
		}
		return m
	}())
}

// fakeGitHub is the state the fake gh keeps between calls.
type fakeGitHub struct {
	Comments []fakeComment `json:"comments"`
	Issues   []fakeIssue   `json:"issues"`
	Labels   []string      `json:"labels"`
}

type fakeComment struct {
	ID   int    `json:"id"`
	Body string `json:"body"`
	User struct {
		Login string `json:"login"`
	} `json:"user"`
}

type fakeIssue struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	State  string `json:"state"`
	Body   string `json:"body"`
	Label  string `json:"label"`
}

// When PROVISION_TEST_FAKE_GH names a state file, the test binary is a
// fake gh: the handful of commands the workflows call, on that state.
func init() {
	if state := os.Getenv("PROVISION_TEST_FAKE_GH"); state != "" {
		code, err := fakeGH(state, os.Args[1:])
		if err != nil {
			fmt.Fprintln(os.Stderr, "fake gh:", err)
		}
		os.Exit(code)
	}
}

func fakeGH(statePath string, args []string) (int, error) {
	var st fakeGitHub
	if data, err := os.ReadFile(statePath); err == nil {
		if err := json.Unmarshal(data, &st); err != nil {
			return 1, err
		}
	}
	flag := func(name string) string {
		for i, a := range args {
			if a == name && i+1 < len(args) {
				return args[i+1]
			}
		}
		return ""
	}
	file := func(name string) (string, error) {
		b, err := os.ReadFile(name)
		return string(b), err
	}
	save := func() (int, error) {
		data, _ := json.Marshal(st)
		return 0, os.WriteFile(statePath, data, 0o600)
	}
	cmd := strings.Join(args[:min(2, len(args))], " ")
	switch {
	case cmd == "api --paginate" && strings.HasSuffix(args[2], "/comments"):
		// Two pages, as gh --paginate prints them: two JSON arrays.
		half := len(st.Comments) / 2
		a, _ := json.Marshal(append([]fakeComment{}, st.Comments[:half]...))
		b, _ := json.Marshal(append([]fakeComment{}, st.Comments[half:]...))
		fmt.Printf("%s%s", a, b)
		return 0, nil
	case cmd == "api -X" && args[2] == "PATCH":
		id, err := strconv.Atoi(args[3][strings.LastIndex(args[3], "/")+1:])
		if err != nil || !strings.HasPrefix(flag("-F"), "body=@") {
			return 1, fmt.Errorf("bad PATCH %v", args)
		}
		body, err := file(strings.TrimPrefix(flag("-F"), "body=@"))
		if err != nil {
			return 1, err
		}
		for i := range st.Comments {
			if st.Comments[i].ID == id {
				if st.Comments[i].User.Login != "github-actions[bot]" {
					return 1, fmt.Errorf("HTTP 403: comment %d is not ours", id)
				}
				st.Comments[i].Body = body
				return save()
			}
		}
		return 1, fmt.Errorf("HTTP 404: no comment %d", id)
	case cmd == "pr comment":
		body, err := file(flag("--body-file"))
		if err != nil {
			return 1, err
		}
		c := fakeComment{ID: 100 + len(st.Comments), Body: body}
		c.User.Login = "github-actions[bot]"
		st.Comments = append(st.Comments, c)
		return save()
	case cmd == "label create":
		st.Labels = append(st.Labels, args[2])
		return save()
	case cmd == "issue list":
		type row struct {
			Number int    `json:"number"`
			Title  string `json:"title"`
		}
		rows := []row{}
		for _, is := range st.Issues {
			if is.State == flag("--state") && is.Label == flag("--label") {
				rows = append(rows, row{is.Number, is.Title})
			}
		}
		data, _ := json.Marshal(rows)
		fmt.Println(string(data))
		return 0, nil
	case cmd == "issue create":
		body, err := file(flag("--body-file"))
		if err != nil {
			return 1, err
		}
		st.Issues = append(st.Issues, fakeIssue{Number: 1 + len(st.Issues), Title: flag("--title"), State: "open", Body: body, Label: flag("--label")})
		return save()
	case cmd == "issue edit" || cmd == "issue close":
		n, err := strconv.Atoi(args[2])
		if err != nil || n < 1 || n > len(st.Issues) {
			return 1, fmt.Errorf("no issue %s", args[2])
		}
		if cmd == "issue close" {
			st.Issues[n-1].State = "closed"
		} else if st.Issues[n-1].Body, err = file(flag("--body-file")); err != nil {
			return 1, err
		}
		return save()
	}
	return 1, fmt.Errorf("unknown command %q", args)
}

// fakeGHOn puts the fake gh on the runner's PATH and returns its state file.
func fakeGHOn(r *stepRunner, state fakeGitHub) string {
	path := filepath.Join(r.t.TempDir(), "github.json")
	data, _ := json.Marshal(state)
	require.NoError(r.t, os.WriteFile(path, data, 0o600))
	r.stub("gh", fmt.Sprintf("PROVISION_TEST_FAKE_GH=%q exec %q \"$@\"\n", path, os.Args[0]))
	return path
}

func readFakeGH(t *testing.T, path string) fakeGitHub {
	t.Helper()
	var st fakeGitHub
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &st))
	return st
}

// TestPlanCommentOnePerStack: with two stacks, each push updates each
// stack's own comment in place (found by its marker), never another
// stack's, nor a comment someone else wrote with the marker.
func TestPlanCommentOnePerStack(t *testing.T) {
	t.Parallel()
	requireTools(t, "bash", "jq")
	wf := loadWorkflow(t, filepath.Join(examplesDir, "plan.yml"))
	dir := t.TempDir()
	hostile := fakeComment{ID: 1, Body: "<!-- provision plan: a -->\nlooks like a plan"}
	hostile.User.Login = "mallory"
	var state string
	post := func(stack, plan string) (int, string) {
		exprs := pipelineExprs("", "")
		exprs["matrix.stack"] = stack
		r := newStepRunner(t, wf, "comment", dir, exprs)
		if state == "" {
			state = fakeGHOn(r, fakeGitHub{Comments: []fakeComment{hostile}})
		} else {
			r.stub("gh", fmt.Sprintf("PROVISION_TEST_FAKE_GH=%q exec %q \"$@\"\n", state, os.Args[0]))
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.md"), []byte(plan), 0o600))
		return r.run("Post or update this stack's plan comment")
	}
	for _, p := range []struct{ stack, body string }{
		{"a", "<!-- provision plan: a -->\nfirst plan of a"},
		{"b", "<!-- provision plan: b -->\nfirst plan of b"},
		{"a", "<!-- provision plan: a -->\nsecond plan of a"},
		{"b", "<!-- provision plan: b -->\nsecond plan of b"},
	} {
		code, out := post(p.stack, p.body)
		require.Equal(t, 0, code, out)
	}
	var bodies []string
	for _, c := range readFakeGH(t, state).Comments {
		bodies = append(bodies, c.User.Login+": "+c.Body)
	}
	assert.Equal(t, []string{
		"mallory: <!-- provision plan: a -->\nlooks like a plan",
		"github-actions[bot]: <!-- provision plan: a -->\nsecond plan of a",
		"github-actions[bot]: <!-- provision plan: b -->\nsecond plan of b",
	}, bodies)

	// A plan.md without this stack's marker would make a comment the next
	// run cannot find: refused.
	code, out := post("a", "<!-- provision plan: b -->\n")
	assert.Equal(t, 1, code, out)

	// The plan job, run from a directory holding only the manifest, makes
	// the plan.md the comment job posts: marker first.
	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	repo := manifestsOnlyRepo(t, "")
	planner := newStepRunner(t, wf, "plan", repo, pipelineExprs(srv.URL, emu.Token()))
	for _, step := range []string{"Validate (offline)", "Plan"} {
		code, out := planner.run(step)
		require.Equal(t, 0, code, "%s: %s", step, out)
	}
	plan := readTrim(t, filepath.Join(repo, "plan.md"))
	assert.True(t, strings.HasPrefix(plan, "<!-- provision plan: librechat -->\nStack **librechat**, commit 0123abc\n"), plan)
	assert.Contains(t, plan, "LibreChat Users")
	assert.FileExists(t, filepath.Join(repo, "plan.json"))
	assert.Zero(t, emu.Writes(), "the plan job writes nothing to authentik")
}

// TestDriftWorkflow: the scheduled workflow plans with --detailed-exitcode;
// drift (exit 2) opens an issue, a second run updates it, no drift closes
// it, and an error fails the job without touching the issue.
func TestDriftWorkflow(t *testing.T) {
	t.Parallel()
	requireTools(t, "bash", "jq")
	wf := loadWorkflow(t, filepath.Join(examplesDir, "drift.yml"))
	require.Contains(t, wf.On, "schedule")
	require.Contains(t, wf.On, "workflow_dispatch")
	assert.Equal(t, map[string]string{"contents": "read"}, wf.Jobs["plan"].Permissions, "the job with the token writes nothing on GitHub")
	assert.Equal(t, map[string]string{"issues": "write"}, wf.Jobs["report"].Permissions)
	assert.NotContains(t, wf.Jobs["report"].Env, "AUTHENTIK_TOKEN")
	assert.Contains(t, wf.Jobs["plan"].Env["AUTHENTIK_TOKEN"], "secrets.PLAN_TOKEN", "the read-only token")

	srv, emu := emulatortest.NewServer(t, emulator.Options{})
	dir := manifestsOnlyRepo(t, "")
	var state string
	cycle := func(token string) (int, string) {
		planner := newStepRunner(t, wf, "plan", dir, pipelineExprs(srv.URL, token))
		code, out := planner.run("Plan with --detailed-exitcode")
		if code != 0 {
			return code, out
		}
		reporter := newStepRunner(t, wf, "report", dir, pipelineExprs("", ""))
		if state == "" {
			state = fakeGHOn(reporter, fakeGitHub{})
		} else {
			reporter.stub("gh", fmt.Sprintf("PROVISION_TEST_FAKE_GH=%q exec %q \"$@\"\n", state, os.Args[0]))
		}
		code, rout := reporter.run("Open, update or close this stack's drift issue")
		return code, out + rout
	}

	// Nothing applied yet: drift.
	code, out := cycle(emu.Token())
	require.Equal(t, 0, code, out)
	st := readFakeGH(t, state)
	require.Len(t, st.Issues, 1, out)
	assert.Equal(t, "provision drift: librechat", st.Issues[0].Title)
	assert.Equal(t, "open", st.Issues[0].State)
	assert.Equal(t, "provision-drift", st.Issues[0].Label)
	assert.True(t, strings.HasPrefix(st.Issues[0].Body, "<!-- provision drift: librechat -->\n"), st.Issues[0].Body)
	assert.Contains(t, st.Issues[0].Body, "LibreChat Users", "the plan is in the issue")
	assert.Equal(t, "2", readTrim(t, filepath.Join(dir, "exit-code")))

	// Still drifting: the same issue is updated.
	code, out = cycle(emu.Token())
	require.Equal(t, 0, code, out)
	assert.Len(t, readFakeGH(t, state).Issues, 1, "updated, not a second issue")
	assert.Contains(t, out, "updated issue #1")

	// An error (a wrong token) fails the step, and is not drift.
	code, out = cycle("wrong-token")
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "::error file=manifests/librechat.yaml::provision plan exited 1")
	assert.Equal(t, "open", readFakeGH(t, state).Issues[0].State)

	// Applied: no drift, the issue is closed.
	applier := newStepRunner(t, loadWorkflow(t, filepath.Join(examplesDir, "apply.yml")), "apply", dir, pipelineExprs(srv.URL, emu.Token()))
	for _, step := range []string{"Plan from the merged commit", "Apply exactly that plan"} {
		code, out := applier.run(step)
		require.Equal(t, 0, code, "%s: %s", step, out)
	}
	code, out = cycle(emu.Token())
	require.Equal(t, 0, code, out)
	assert.Equal(t, "0", readTrim(t, filepath.Join(dir, "exit-code")))
	st = readFakeGH(t, state)
	require.Len(t, st.Issues, 1)
	assert.Equal(t, "closed", st.Issues[0].State)
}

func readTrim(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return strings.TrimSpace(string(b))
}
