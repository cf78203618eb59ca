package authentik

import (
	"context"
	"net/http"

	"github.com/provision/provision/internal/plan"
)

// createdNamed creates an object its name identifies (a group, scope
// mapping or outpost) and records its pk as kind/name. After a lost
// answer, find lists the objects by name, and the one named exactly is
// taken as created (what names the kind in the error: "find group x").
func createdNamed[T any](ctx context.Context, e *Executor, ch *plan.Change, ids *plan.IDs, kind plan.Kind, name, what string,
	create func(context.Context) (*T, *http.Response, error),
	find func(context.Context) ([]T, *http.Response, error),
	key func(*T) (name, pk string)) error {
	return e.created(ctx, doing(ch), func(ctx context.Context) (*http.Response, error) {
		o, resp, err := create(ctx)
		if err == nil {
			_, pk := key(o)
			ids.Set(kind, name, pk)
		}
		return resp, err
	}, func(ctx context.Context) (bool, error) {
		list, resp, err := find(ctx)
		if err != nil {
			return false, e.c.wrap("find "+what+" "+name, resp, err)
		}
		for i := range list {
			if n, pk := key(&list[i]); n == name {
				ids.Set(kind, name, pk)
				return true, nil
			}
		}
		return false, nil
	})
}
