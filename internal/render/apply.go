package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/provision/provision/internal/outputs"
	"github.com/provision/provision/internal/plan"
)

// Apply is one apply's outcome, which apply prints as text (ApplyText,
// ApplyUnfinished, Retries, as it goes) or as one JSON report (ApplyJSON).
type Apply struct {
	// Status is applied, no changes, planned (--dry-run), failed (some
	// change failed or was interrupted) or error (see Err).
	Status    string
	SavedPlan string
	// Plan is the plan computed; nil when an error came first.
	Plan *plan.Plan
	// Result is the walk's; nil when none ran.
	Result *plan.Result
	// Counts gives each change's write requests and retries; nil counts none.
	Counts  func(*plan.Change) (writes, retries int)
	Outputs []outputs.Written
	Err     error
	// Adopted is how many objects the stack adopted.
	Adopted int
}

// ApplyReport is `apply -o json`: every change with its result, and the
// outputs written. Errors are reported in it too (Status "error").
type ApplyReport struct {
	FormatVersion string `json:"format_version"`
	// Status is applied, no changes, planned (--dry-run), failed (some
	// change failed) or error (nothing was attempted, see Error).
	Status    string            `json:"status"`
	SavedPlan string            `json:"saved_plan,omitempty"`
	Changes   []ChangeReport    `json:"changes"`
	Summary   ReportSummary     `json:"summary"`
	Outputs   []outputs.Written `json:"outputs"`
	Error     string            `json:"error,omitempty"`
}

// ChangeReport is one change of ApplyReport.
type ChangeReport struct {
	Kind   string `json:"kind"`
	Key    string `json:"key"`
	Action string `json:"action"`
	ID     string `json:"id,omitempty"`
	// Result is done, failed or not attempted ("planned" under --dry-run).
	Result string `json:"result"`
	Error  string `json:"error,omitempty"`
	// Writes are the write requests (POST, PUT, PATCH, DELETE) the change
	// sent; Retries the requests sent again after a retryable failure.
	Writes  int `json:"writes"`
	Retries int `json:"retries"`
}

// ReportSummary counts ApplyReport's results.
type ReportSummary struct {
	Done         int `json:"done"`
	Failed       int `json:"failed"`
	NotAttempted int `json:"not_attempted"`
}

// A change's result in ApplyReport.
const (
	ResultDone         = "done"
	ResultFailed       = "failed"
	ResultNotAttempted = "not attempted"
)

// Report is a's JSON view.
func (a Apply) Report() ApplyReport {
	r := ApplyReport{FormatVersion: plan.FormatVersion, Status: a.Status, SavedPlan: a.SavedPlan, Changes: []ChangeReport{}, Outputs: []outputs.Written{}}
	r.Outputs = append(r.Outputs, a.Outputs...)
	if a.Err != nil {
		r.Error = a.Err.Error()
	}
	if a.Plan != nil {
		result := ResultNotAttempted
		if a.Status == "planned" {
			result = "planned"
		}
		for _, c := range a.Plan.Changes {
			r.Changes = append(r.Changes, ChangeReport{Kind: c.Kind.String(), Key: c.Key, Action: string(c.Action), ID: c.ID, Result: result})
		}
	}
	if a.Result != nil {
		r.record(*a.Result, a.Counts)
	}
	return r
}

// record fills each change's result from the apply walk and the counters.
func (r *ApplyReport) record(res plan.Result, counts func(*plan.Change) (int, int)) {
	set := func(c plan.Change, result string, err error) {
		for i := range r.Changes {
			rc := &r.Changes[i]
			if rc.Kind == c.Kind.String() && rc.Key == c.Key && rc.Action == string(c.Action) {
				rc.Result = result
				if err != nil {
					rc.Error = err.Error()
				}
				if counts != nil {
					rc.Writes, rc.Retries = counts(&c)
				}
				if rc.ID == "" {
					rc.ID = c.ID
				}
			}
		}
	}
	for _, c := range res.Done {
		set(c, ResultDone, nil)
		r.Summary.Done++
	}
	for _, f := range res.Failed {
		set(f.Change, ResultFailed, f.Err)
		r.Summary.Failed++
	}
	for _, c := range res.Skipped {
		set(c, ResultNotAttempted, nil)
		r.Summary.NotAttempted++
	}
}

// ApplyJSON writes a's JSON view.
func ApplyJSON(w io.Writer, a Apply) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a.Report())
}

// ApplyText writes the last line of an apply that converged.
func ApplyText(w io.Writer, a Apply) {
	add, change, destroy := a.Plan.Summary()
	adopted := ""
	if a.Adopted > 0 {
		adopted = fmt.Sprintf(", %d adopted", a.Adopted)
	}
	fmt.Fprintf(w, "\nApply complete: %d added, %d changed, %d destroyed%s. A fresh plan is empty.\n", add, change, destroy, adopted)
}

// ApplyUnfinished says, for stderr, what an interrupted or failed walk did
// and did not do, and how to finish.
func ApplyUnfinished(w io.Writer, res plan.Result, interrupted bool) {
	what, then := "Apply failed", "Fix the cause and run apply again: it adopts what was created and does the rest."
	if interrupted {
		what, then = "Interrupted", "Run apply again to finish: it adopts what was created and does the rest."
	}
	fmt.Fprintf(w, "\n%s: %d done, %d failed, %d not attempted.\n", what, len(res.Done), len(res.Failed), len(res.Skipped))
	for _, f := range res.Failed {
		fmt.Fprintf(w, "  failed:        %s\n", f.Error())
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "  not attempted: %s %s %q\n", s.Action, s.Kind, s.Key)
	}
	fmt.Fprintln(w, then)
}

// RetryCounts are the requests an apply sent again.
type RetryCounts struct{ Reads, Writes, ReReads, Settled int64 }

// Retries writes an apply's retries, when there were any, and the
// executor's notes.
func Retries(w io.Writer, n RetryCounts, notes []string) {
	if n.Reads+n.Writes+n.ReReads > 0 {
		fmt.Fprintf(w, "\nRetries: %d reads and %d writes sent again; %d writes with an unknown outcome re-read by key (%d found already done).\n",
			n.Reads, n.Writes, n.ReReads, n.Settled)
	}
	for _, s := range notes {
		fmt.Fprintf(w, "Note: %s\n", s)
	}
}
