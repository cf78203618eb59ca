package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

// apply -o json is a view of one render.Apply: each change's result comes
// from the plan, then from the walk when one ran.
func TestApplyReport(t *testing.T) {
	t.Parallel()
	p := mixedPlan()
	group, provider, app := p.Changes[0], p.Changes[1], p.Changes[3]
	walk := &plan.Result{
		Done:    []plan.Change{group},
		Failed:  []plan.ChangeError{{Change: provider, Err: errors.New("400: bad scope")}},
		Skipped: []plan.Change{app},
	}
	counts := func(c *plan.Change) (int, int) {
		if c.Kind == plan.KindGroup {
			return 1, 2
		}
		return 0, 0
	}
	for name, tc := range map[string]struct {
		in          Apply
		wantResults []string // per change of mixedPlan
		wantSummary ReportSummary
		wantError   string
	}{
		"error before the plan": {in: Apply{Status: "error", Err: errors.New("no token")}, wantError: "no token"},
		"dry run":               {in: Apply{Status: "planned", Plan: p}, wantResults: []string{"planned", "planned", "planned", "planned"}},
		"refused prompt":        {in: Apply{Status: "error", Plan: p, Err: errors.New("refusing")}, wantResults: []string{ResultNotAttempted, ResultNotAttempted, ResultNotAttempted, ResultNotAttempted}, wantError: "refusing"},
		"failed walk": {in: Apply{Status: "failed", Plan: p, Result: walk, Counts: counts},
			wantResults: []string{ResultDone, ResultFailed, ResultNotAttempted, ResultNotAttempted}, wantSummary: ReportSummary{Done: 1, Failed: 1, NotAttempted: 1}},
	} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, ApplyJSON(&b, tc.in))
			var got ApplyReport
			require.NoError(t, json.Unmarshal(b.Bytes(), &got), b.String())
			assert.Equal(t, plan.FormatVersion, got.FormatVersion)
			assert.Equal(t, tc.in.Status, got.Status)
			assert.Equal(t, tc.wantError, got.Error)
			assert.Equal(t, tc.wantSummary, got.Summary)
			assert.NotNil(t, got.Outputs, "outputs is a list, empty when none")
			var results []string
			for _, c := range got.Changes {
				results = append(results, c.Result)
			}
			assert.Equal(t, tc.wantResults, results)
		})
	}
	rep := Apply{Status: "failed", Plan: p, Result: walk, Counts: counts, Outputs: []outputs.Written{{Application: "chat", File: "chat.env", State: "created", Settings: 9}}}.Report()
	assert.Equal(t, ChangeReport{Kind: "group", Key: "LibreChat Users", Action: "create", Result: ResultDone, Writes: 1, Retries: 2}, rep.Changes[0])
	assert.Equal(t, "400: bad scope", rep.Changes[1].Error)
	assert.Equal(t, "7", rep.Changes[1].ID)
	assert.Len(t, rep.Outputs, 1)
}

// The text view of a walk that did not finish lists what failed and what
// was not attempted, and says how to finish.
func TestApplyUnfinished(t *testing.T) {
	t.Parallel()
	p := mixedPlan()
	res := plan.Result{Done: p.Changes[:1], Failed: []plan.ChangeError{{Change: p.Changes[1], Err: errors.New("boom")}}, Skipped: p.Changes[3:]}
	var failed, interrupted bytes.Buffer
	ApplyUnfinished(&failed, res, false)
	ApplyUnfinished(&interrupted, res, true)
	assert.Contains(t, failed.String(), "\nApply failed: 1 done, 1 failed, 1 not attempted.\n")
	assert.Contains(t, failed.String(), "  not attempted: delete application \"old-app\"\n")
	assert.Contains(t, failed.String(), "Fix the cause and run apply again")
	assert.Contains(t, interrupted.String(), "\nInterrupted: 1 done, 1 failed, 1 not attempted.\n")
	assert.Contains(t, interrupted.String(), "Run apply again to finish")

	var retries bytes.Buffer
	Retries(&retries, RetryCounts{Settled: 3}, nil)
	assert.Empty(t, retries.String(), "settled re-reads alone are no retries")
	Retries(&retries, RetryCounts{Reads: 2, ReReads: 1, Settled: 1}, []string{"a note"})
	assert.Equal(t, "\nRetries: 2 reads and 0 writes sent again; 1 writes with an unknown outcome re-read by key (1 found already done).\nNote: a note\n", retries.String())
}
