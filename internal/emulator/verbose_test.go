package emulator_test

import (
	"net/http"
	"testing"
)

// TestVerboseNamesFollowModelMeta: a policy's and a stage's
// verbose_name_plural is its model's Meta.verbose_name_plural
// (authentik/policies/expression/models.py: "Expression Policies", not
// verbose_name + "s"), in the type's own answer and in /policies/all/.
func TestVerboseNamesFollowModelMeta(t *testing.T) {
	e := newEnv(t)
	st, m := e.rawJSON(http.MethodPost, "/api/v3/policies/expression/", `{"name":"p","expression":"return True"}`)
	if st != http.StatusCreated {
		t.Fatalf("create policy: %d %v", st, m)
	}
	if got := m["verbose_name_plural"]; got != "Expression Policies" {
		t.Errorf("expression policy verbose_name_plural = %v, want Expression Policies", got)
	}
	st, all := e.rawJSON(http.MethodGet, "/api/v3/policies/all/?name=p", "")
	results, _ := all["results"].([]any)
	if st != http.StatusOK || len(results) != 1 {
		t.Fatalf("policies/all: %d %v", st, all)
	}
	if got := results[0].(map[string]any)["verbose_name_plural"]; got != "Expression Policies" {
		t.Errorf("policies/all verbose_name_plural = %v, want Expression Policies", got)
	}
	st, m = e.rawJSON(http.MethodPost, "/api/v3/stages/deny/", `{"name":"d"}`)
	if st != http.StatusCreated || m["verbose_name_plural"] != "Deny Stages" {
		t.Errorf("deny stage: %d verbose_name_plural = %v, want Deny Stages", st, m["verbose_name_plural"])
	}
}
