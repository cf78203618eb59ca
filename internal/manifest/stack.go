package manifest

import (
	"fmt"
	"regexp"
)

// stackName is what a stack may be called: it becomes part of the names of
// the blueprint instances that keep its ownership record and lock.
var stackName = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,62}$`)

// mergeStack carries the stack of one file of a directory into the merged
// manifest; two files naming different stacks is an error.
func mergeStack(merged, m *Manifest, diags *Diagnostics) {
	if m.Stack == "" {
		return
	}
	if merged.Stack != "" && merged.Stack != m.Stack {
		diags.add(m.StackPos, fmt.Sprintf("stack %q differs from stack %q at %s: the files of one manifest belong to one stack", m.Stack, merged.Stack, merged.StackPos))
		return
	}
	if merged.Stack == "" {
		merged.Stack, merged.StackPos = m.Stack, m.StackPos
	}
}

func validateStack(v *validation) {
	if v.m.Stack != "" && !stackName.MatchString(v.m.Stack) {
		v.ds.add(v.m.StackPos, fmt.Sprintf("stack %q: use 1 to 63 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit", v.m.Stack))
	}
}
