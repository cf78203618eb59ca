package authentik

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	api "goauthentik.io/api/v3"

	"github.com/provision/provision/internal/plan"
)

// Stacks keep their ownership record and their lock in authentik, each in
// a disabled blueprint instance (/managed/blueprints/): its name is unique,
// its context is free JSON, and authentik never applies a disabled one
// (authentik/blueprints/v1/tasks.py apply_blueprint). The serializer wants
// a path or a content, and validates the content as a blueprint, so both
// carry an empty blueprint (plan.RecordContent); a PATCH must send the
// content again, as its validate() sees only the fields sent.

// stackIO reads every stack's record in one list: the names share a prefix,
// which authentik's search (name or path contains) finds.
var stackIO = kindIO{read: func(r *reader, live *plan.Live) {
	read(r, "list stack records", plan.KindStack, "name", func(b *api.BlueprintInstance) blueprint {
		return blueprint{pk: b.Pk, name: b.Name, context: b.Context}
	}, &r.blueprints, func(ctx context.Context, page int32) (*http.Response, error) {
		_, resp, err := r.c.api.ManagedApi.ManagedBlueprintsList(ctx).Search(plan.RecordPrefix).Page(page).PageSize(pageSize).Execute()
		return resp, err
	})
	r.after = append(r.after, func() {
		for _, b := range r.blueprints {
			if strings.HasPrefix(b.name, plan.RecordPrefix) {
				live.Stacks = append(live.Stacks, plan.ParseRecord(b.pk, b.name, b.context))
			}
		}
	})
}}

type blueprint struct {
	pk      string
	name    string
	context map[string]any
}

// WriteRecord stores a stack's record: a new blueprint instance when pk is
// "", else a PATCH of it. It returns the record's pk. Like every write of
// an apply, a failure whose outcome is unknown is settled before sending
// again (ambiguous.go): a create re-reads the record by name (the apply
// holds the stack's lock, so an instance of that name is the one it made),
// and a PATCH of the same values is sent again.
func (c *Client) WriteRecord(ctx context.Context, stack, pk string, objects []plan.Owned) (string, error) {
	ctxJSON := plan.RecordContext(stack, objects)
	doing := fmt.Sprintf("write the ownership record of stack %q", stack)
	e := c.Executor()
	if pk == "" {
		name := plan.RecordName(stack)
		err := e.created(ctx, doing, func(ctx context.Context) (*http.Response, error) {
			b, resp, err := c.createBlueprint(ctx, name, stack, ctxJSON)
			if err == nil {
				pk = b.Pk
			}
			return resp, err
		}, func(ctx context.Context) (bool, error) {
			b, err := c.findBlueprint(ctx, name)
			if err != nil || b == nil {
				return false, err
			}
			pk = b.Pk
			return true, nil
		})
		if err != nil {
			return "", err
		}
		return pk, nil
	}
	if err := e.perform(ctx, c.patchBlueprint(doing, pk, stack, ctxJSON)); err != nil {
		return "", err
	}
	return pk, nil
}

// createBlueprint creates the disabled blueprint instance holding a
// stack's record or lock.
func (c *Client) createBlueprint(ctx context.Context, name, stack string, context map[string]any) (*api.BlueprintInstance, *http.Response, error) {
	req := api.NewBlueprintInstanceRequest(name)
	disabled := false
	content := plan.RecordContent(stack)
	req.Enabled, req.Content, req.Context = &disabled, &content, context
	return c.api.ManagedApi.ManagedBlueprintsCreate(ctx).BlueprintInstanceRequest(*req).Execute()
}

// patchBlueprint is the write of a record's or lock's new context; the
// content goes along, as the serializer validates only the fields sent.
func (c *Client) patchBlueprint(what, pk, stack string, body map[string]any) write {
	content := plan.RecordContent(stack)
	req := api.PatchedBlueprintInstanceRequest{Context: body, Content: &content}
	return write{what: what, send: func(ctx context.Context) (*http.Response, error) {
		_, resp, err := c.api.ManagedApi.ManagedBlueprintsPartialUpdate(ctx, pk).PatchedBlueprintInstanceRequest(req).Execute()
		return resp, err
	}}
}

// destroyBlueprint sends the DELETE of a record's or lock's instance.
func (c *Client) destroyBlueprint(pk string) func(context.Context) (*http.Response, error) {
	return func(ctx context.Context) (*http.Response, error) {
		return c.api.ManagedApi.ManagedBlueprintsDestroy(ctx, pk).Execute()
	}
}

// findBlueprint returns the blueprint instance of that exact name, or nil.
func (c *Client) findBlueprint(ctx context.Context, name string) (*api.BlueprintInstance, error) {
	list, resp, err := c.api.ManagedApi.ManagedBlueprintsList(ctx).Name(name).Execute()
	if err != nil {
		return nil, c.wrap("read blueprint instance "+name, resp, err)
	}
	for i := range list.Results {
		if list.Results[i].Name == name {
			return &list.Results[i], nil
		}
	}
	return nil, nil
}

// Records reads every stack's record (for provision state).
func (c *Client) Records(ctx context.Context) ([]plan.StackRecord, error) {
	live, err := c.Snapshot(ctx, plan.Reads{Kinds: []plan.Kind{plan.KindStack}})
	if err != nil {
		return nil, err
	}
	return live.Stacks, nil
}

// Lock is a held stack lock: a blueprint instance whose context names the
// holder and a lease the holder renews.
type Lock struct {
	c      *Client
	stack  string
	pk     string
	holder Holder
	lease  time.Duration
	stop   context.CancelFunc // ends renew
	done   chan struct{}
	onLost func(error)
}

// Holder says who holds a lock.
type Holder struct {
	ID      string    `json:"id"`
	Host    string    `json:"host"`
	PID     int       `json:"pid"`
	Since   time.Time `json:"since"`
	Expires time.Time `json:"expires"`
	// Node names the kernel boot and PID namespace the holder runs in
	// (Linux; "" elsewhere): a holder of this node whose pid is gone died.
	Node string `json:"node,omitempty"`
}

// context is the lock instance's context; managed_by names the command
// that breaks the lock of stack (a hint must be a command that works).
func (h Holder) context(stack string) map[string]any {
	ctx := map[string]any{"format": plan.RecordFormat, "holder": h.ID, "host": h.Host, "pid": h.PID,
		"since": h.Since.UTC().Format(time.RFC3339), "expires": h.Expires.UTC().Format(time.RFC3339),
		"managed_by": fmt.Sprintf("provision: the lock of stack %s while an apply runs. Delete it (or run provision state unlock --stack %s) only if that apply is dead.", stack, stack)}
	if h.Node != "" {
		ctx["node"] = h.Node
	}
	return ctx
}

func holderOf(ctx map[string]any) Holder {
	var h Holder
	h.ID, _ = ctx["holder"].(string)
	h.Host, _ = ctx["host"].(string)
	h.Node, _ = ctx["node"].(string)
	if pid, ok := ctx["pid"].(float64); ok {
		h.PID = int(pid)
	}
	if s, ok := ctx["since"].(string); ok {
		h.Since, _ = time.Parse(time.RFC3339, s)
	}
	if s, ok := ctx["expires"].(string); ok {
		h.Expires, _ = time.Parse(time.RFC3339, s)
	}
	return h
}

// dead says why a holder is known to be dead, or "" when it may be alive:
// its lease expired, or it ran on this very node (same boot, same PID
// namespace) and its process is gone.
func (h Holder) dead(now time.Time) string {
	if !h.Expires.IsZero() && now.After(h.Expires) {
		return "its lease expired"
	}
	if h.Node != "" && h.PID > 0 && h.Node == localNode() && !processAlive(h.PID) {
		return "its process is gone"
	}
	return ""
}

// LockHeldError is a lock another apply holds.
type LockHeldError struct {
	Stack  string
	Holder Holder
}

func (e *LockHeldError) Error() string {
	return fmt.Sprintf("stack %q is locked by another apply (host %s, pid %d, since %s, lease until %s); wait for it, pass --lock-timeout to wait, or run provision state unlock --stack %s if that apply is dead",
		e.Stack, e.Holder.Host, e.Holder.PID, e.Holder.Since.UTC().Format(time.RFC3339), e.Holder.Expires.UTC().Format(time.RFC3339), e.Stack)
}

// LockOptions tune AcquireLock.
type LockOptions struct {
	// Timeout is how long to wait for a held lock; 0 fails at once.
	Timeout time.Duration
	// Lease is how long the lock lives without renewal (default 2 min);
	// it is renewed every third of it.
	Lease time.Duration
	// Poll is the wait between attempts (default 1 s).
	Poll time.Duration
	// OnBreak, when set, is told of each dead holder's lock broken, and why.
	OnBreak func(h Holder, why string)
	// OnLost, when set, is told once when renewing the lease failed (the
	// lock was broken by hand, or authentik was unreachable for a third of
	// the lease): past its expiry another apply may take the lock.
	OnLost func(error)
}

// AcquireLock takes a stack's lock: it creates the lock's blueprint
// instance, which fails when it exists (the name is unique), so two
// applies cannot both hold it. The lock of a dead holder is broken. The
// lease is renewed in the background until Release.
//
// The create is never sent blind a second time: after a failure whose
// outcome is unknown (a lost answer, a 5xx), the lock is re-read by name,
// and an instance naming this call's holder id is ours: the lock is held.
// Another holder's instance is a held lock, as after a 400.
func (c *Client) AcquireLock(ctx context.Context, stack string, o LockOptions) (*Lock, error) {
	if o.Lease <= 0 {
		o.Lease = 2 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	host, _ := os.Hostname()
	start := c.clock.Now()
	id := fmt.Sprintf("%s/%d/%d", host, os.Getpid(), start.UnixNano())
	deadline := start.Add(o.Timeout)
	name := plan.LockName(stack)
	doing := fmt.Sprintf("take the lock of stack %q", stack)
	e := c.Executor()
	vanished := 0
	for {
		now := c.clock.Now()
		h := Holder{ID: id, Host: host, PID: os.Getpid(), Since: now, Expires: now.Add(o.Lease), Node: localNode()}
		var mine, found *api.BlueprintInstance
		status := 0
		err := e.created(ctx, doing, func(ctx context.Context) (*http.Response, error) {
			b, resp, err := c.createBlueprint(ctx, name, stack, h.context(stack))
			status = 0
			if resp != nil {
				status = resp.StatusCode
			}
			if err == nil {
				mine = b
			}
			return resp, err
		}, func(ctx context.Context) (bool, error) {
			// The outcome is settled once a lock exists, ours or not.
			cur, err := c.findBlueprint(ctx, name)
			if err != nil || cur == nil {
				return false, err
			}
			found = cur
			return true, nil
		})
		if mine == nil && found == nil && err != nil {
			if status != http.StatusBadRequest {
				return nil, err
			}
			// Taken (the name is unique): by whom?
			cur, ferr := c.findBlueprint(ctx, name)
			if ferr != nil {
				return nil, ferr
			}
			if cur == nil {
				if vanished++; vanished > 3 {
					return nil, err
				}
				continue // released meanwhile
			}
			found = cur
		}
		if mine == nil && found != nil && holderOf(found.Context).ID == id {
			mine = found // our own create, whose answer was lost
		}
		if mine != nil {
			stop, cancel := context.WithCancel(context.Background())
			l := &Lock{c: c, stack: stack, pk: mine.Pk, holder: h, lease: o.Lease, stop: cancel, done: make(chan struct{}), onLost: o.OnLost}
			go l.renew(stop)
			return l, nil
		}
		held := holderOf(found.Context)
		if why := held.dead(c.clock.Now()); why != "" {
			// The holder died: break its lock and try again.
			if err := e.del(ctx, fmt.Sprintf("break the dead lock of stack %q", stack), c.destroyBlueprint(found.Pk)); err != nil {
				return nil, err
			}
			if o.OnBreak != nil {
				o.OnBreak(held, why)
			}
			continue
		}
		if c.clock.Now().Add(o.Poll).After(deadline) {
			return nil, &LockHeldError{Stack: stack, Holder: held}
		}
		if err := c.sleep(ctx, o.Poll); err != nil {
			return nil, err
		}
	}
}

// renew extends the lease every third of it, until stop ends; a PATCH of
// the same lease is harmless, so a failed renewal is sent again
// (ambiguous.go). Renewals keep their period: a slow one shortens the wait
// before the next.
func (l *Lock) renew(stop context.Context) {
	defer close(l.done)
	period := max(l.lease/3, time.Millisecond)
	e := l.c.Executor()
	lost := false
	next := l.c.clock.Now().Add(period)
	for {
		if l.c.sleep(stop, max(next.Sub(l.c.clock.Now()), 0)) != nil {
			return
		}
		next = next.Add(period)
		l.holder.Expires = l.c.clock.Now().Add(l.lease)
		ctx, cancel := context.WithTimeout(context.Background(), period)
		err := e.perform(ctx, l.c.patchBlueprint("renew the lock", l.pk, l.stack, l.holder.context(l.stack)))
		cancel()
		if err != nil && !lost && l.onLost != nil {
			lost = true
			l.onLost(err)
		}
	}
}

// Release stops renewing and deletes the lock; a DELETE whose outcome is
// unknown is sent again (a 404 says it is gone).
func (l *Lock) Release(ctx context.Context) error {
	l.stop()
	<-l.done
	return l.c.Executor().del(ctx, fmt.Sprintf("release the lock of stack %q", l.stack), l.c.destroyBlueprint(l.pk))
}

// BreakLock deletes a stack's lock whoever holds it; it returns the holder
// it broke, or ErrNotLocked.
func (c *Client) BreakLock(ctx context.Context, stack string) (Holder, error) {
	cur, err := c.findBlueprint(ctx, plan.LockName(stack))
	if err != nil {
		return Holder{}, err
	}
	if cur == nil {
		return Holder{}, ErrNotLocked
	}
	if err := c.Executor().del(ctx, fmt.Sprintf("break the lock of stack %q", stack), c.destroyBlueprint(cur.Pk)); err != nil {
		return Holder{}, err
	}
	return holderOf(cur.Context), nil
}

// ErrNotLocked is BreakLock on a stack nobody holds.
var ErrNotLocked = errors.New("not locked")

// LockNode is the node this process's locks name (Holder.Node): its kernel
// boot and PID namespace on Linux, "" elsewhere.
func LockNode() string { return localNode() }
