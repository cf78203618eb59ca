package operation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/provision/provision/internal/authentik"
	"github.com/provision/provision/internal/plan"
	"github.com/provision/provision/internal/suggest"
)

// StateList returns the stacks' ownership records in authentik; with
// stack, only its (an error when authentik holds none).
func StateList(ctx context.Context, d Deps, conn Conn, stack string) ([]plan.StackRecord, error) {
	c, err := Connect(ctx, d, conn)
	if err != nil {
		return nil, err
	}
	recs, err := c.Records(ctx)
	if err != nil {
		return nil, err
	}
	if stack == "" {
		return recs, nil
	}
	var names []string
	var out []plan.StackRecord
	for _, r := range recs {
		names = append(names, r.Stack)
		if r.Stack == stack {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		msg := fmt.Sprintf("authentik holds no record of stack %q: no apply of it has run", stack)
		if near := suggest.Closest(stack, names); near != "" {
			msg += fmt.Sprintf("; did you mean %q?", near)
		}
		return nil, errors.New(msg)
	}
	return out, nil
}

// ReleaseKinds are the kinds a stack's record holds, as --kind spells them.
var ReleaseKinds = plan.OwnedKinds()

// ReleaseKindNames are the --kind values, as users call the kinds (a
// RADIUS provider is a "provider"), each once, in ReleaseKinds' order.
func ReleaseKindNames() []string {
	var names []string
	for _, k := range ReleaseKinds {
		if !slices.Contains(names, k.String()) {
			names = append(names, k.String())
		}
	}
	return names
}

// CheckReleaseKind refuses a --kind no record can hold, before any request.
func CheckReleaseKind(kind string) error {
	for _, k := range ReleaseKinds {
		if string(k) == kind || k.String() == kind {
			return nil
		}
	}
	names := ReleaseKindNames()
	if s := suggest.Closest(kind, names); s != "" {
		return fmt.Errorf("unknown --kind %q; did you mean %q?", kind, s)
	}
	return fmt.Errorf("unknown --kind %q: use one of %s", kind, strings.Join(names, ", "))
}

// StateRelease drops one object from a stack's ownership record, under
// the stack's lock, without touching authentik.
func StateRelease(ctx context.Context, d Deps, conn Conn, stack string, o plan.Owned) error {
	if err := CheckReleaseKind(string(o.Kind)); err != nil {
		return err
	}
	c, err := Connect(ctx, d, conn)
	if err != nil {
		return err
	}
	unlock, err := LockStack(ctx, d, c, stack, 0)
	if err != nil {
		return err
	}
	defer unlock()
	recs, err := c.Records(ctx)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if r.Stack != stack {
			continue
		}
		if r.Err != nil {
			return fmt.Errorf("the ownership record of stack %q cannot be read: %v; repair or delete the blueprint instance %q in authentik", stack, r.Err, plan.RecordName(stack))
		}
		kept := slices.DeleteFunc(slices.Clone(r.Objects), func(x plan.Owned) bool {
			return x.Kind.String() == o.Kind.String() && x.Key == o.Key && x.Group == o.Group && x.Provider == o.Provider
		})
		if len(kept) == len(r.Objects) {
			var keys []string
			for _, x := range r.Objects {
				if x.Kind.String() == o.Kind.String() {
					keys = append(keys, x.Key)
				}
			}
			if s := suggest.Closest(o.Key, keys); s != "" && s != o.Key {
				return fmt.Errorf("stack %q does not own %s; did you mean %q? (provision state list --stack %s shows what it owns)", stack, o, s, stack)
			}
			return fmt.Errorf("stack %q does not own %s; provision state list --stack %s shows what it owns", stack, o, stack)
		}
		_, err := c.WriteRecord(ctx, stack, r.PK, kept)
		return err
	}
	return fmt.Errorf("stack %q has no ownership record in authentik (no blueprint instance %q)", stack, plan.RecordName(stack))
}

// StateUnlock breaks a stack's apply lock and returns who held it;
// authentik.ErrNotLocked when nobody did.
func StateUnlock(ctx context.Context, d Deps, conn Conn, stack string) (authentik.Holder, error) {
	c, err := Connect(ctx, d, conn)
	if err != nil {
		return authentik.Holder{}, err
	}
	return c.BreakLock(ctx, stack)
}
