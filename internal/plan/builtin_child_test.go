package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A change of a stage or policy binding on one of authentik's own flows is
// matched to the blueprint entry creating it, at its live order.
func TestChildRevertWarnings(t *testing.T) {
	t.Parallel()
	const file = "authentik's blueprint default/flow-default-authentication-flow.yaml"
	for name, tc := range map[string]struct {
		kind  Kind
		key   string
		order any
		field string
		want  []string
	}{
		"policy binding on a stage binding, an attribute": {policyBindingKind,
			"default-authentication-flow/default-authentication-password/policy:default-authentication-flow-password-stage", 10.0, "failure_result",
			[]string{file + " sets failure_result to true (state: present): the next time authentik applies it (an upgrade that changes the file, or an admin applying it) it is set back, and the next plan shows this change again"}},
		"policy binding on a flow, its order": {policyBindingKind,
			"default-source-enrollment/policy:default-source-enrollment-if-sso", 0, "order",
			[]string{"authentik's blueprint default/flow-default-source-enrollment.yaml finds this binding by order 0: the next time authentik applies it, it binds it again at order 0, beside this one"}},
		"a field the blueprint leaves alone": {policyBindingKind,
			"default-source-enrollment/policy:default-source-enrollment-if-sso", 0, "negate", nil},
		"another order than the blueprint's": {policyBindingKind,
			"default-authentication-flow/default-authentication-password/policy:default-authentication-flow-password-stage", 11, "failure_result", nil},
		"the policy on another stage binding": {policyBindingKind,
			"default-authentication-flow/default-authentication-login/policy:default-authentication-flow-password-stage", 10, "failure_result", nil},
		"a group binding": {policyBindingKind, "default-authentication-flow/group:admins", 10, "order", nil},
		"stage binding, its order": {stageBindingKind, "default-authentication-flow/default-authentication-mfa-validation", 30, "order",
			[]string{file + " finds this binding by order 30: the next time authentik applies it, it binds it again at order 30, beside this one"}},
		"stage binding on a flow of one's own": {stageBindingKind, "corp-login/default-authentication-login", 100, "order", nil},
	} {
		t.Run(name, func(t *testing.T) {
			ch := &Change{Kind: tc.kind, Key: tc.key, Action: Update, Fields: []FieldChange{{Field: tc.field}}}
			assert.Equal(t, tc.want, childRevertWarnings(ch, map[string]any{"order": tc.order}))
		})
	}
}
