"""The student's kernel in a sandbox: bubblewrap, an unprivileged uid and cgroup limits.

nbgrader runs each submission's notebook in a Jupyter kernel with the
instructor's rights. During the class autograde (``coursetools.grading.engine``)
the kernel is started by ``SandboxedKernelManager`` instead, which wraps the
kernel command as

    sh (joins the job's memory and pids cgroups)
      -> prlimit (CPU seconds, file size)
      -> setpriv (uid/gid 65534, no groups, no new privileges)
      -> bwrap (new mount, pid, net, ipc and uts namespaces; dies with its parent)
      -> python -m ipykernel_launcher

Inside, the kernel sees the system's ``/usr`` (read-only), the Python
environment (read-only), the photos (read-only), and at its autograded
folder's path a private empty folder (writable) holding only the trusted
``cnnlab/`` (read-only), plus a private scratch folder (IPython and matplotlib
settings, the kernel's IPC sockets) made on the host's ``/dev/shm`` tmpfs.
``HOME``, ``TMPDIR``, the working folder and ``/dev/shm`` are private tmpfs of
``LIMITS.space_bytes`` each. tmpfs pages are charged to the writer's memory cgroup, so
all a kernel writes counts in its memory limit, never on a disk. Nothing else of the
course: no notebook with hidden tests (nbgrader writes the one being graded,
hidden regions already removed, into the real autograded folder), no ``source/``, no
gradebook, no other student, no instructor code. Everything else is read-only. There is no
network. The kernel talks to nbgrader over IPC sockets in the scratch folder
(a TCP port would need the network namespace shared). Interrupts are sent as
messages, since bubblewrap does not forward SIGINT. The cgroups, made per
notebook by the parent, limit memory and the number of processes for root as
well; the parent kills whatever is left in them when the notebook ends.

Measured on these machines and recorded in SPEC §6: a kernel starts in
bubblewrap in about 0.7 s more; a fresh HOME makes matplotlib rebuild its font
cache and warn on stderr, so a cache built beforehand is copied in.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from jupyter_client import AsyncKernelManager

from ..nbgrader_cli import in_cgroups
from .limits import LIMITS
from traitlets import Float, Int, List, Unicode, default

NOBODY = 65534
ENV_CGROUPS, ENV_MATPLOTLIB = "LAB2_SANDBOX_CGROUPS", "LAB2_SANDBOX_MPL"
ENV_TAG = "LAB2_SANDBOX_TAG"
CGROUP_ROOT = Path("/sys/fs/cgroup")
_ETC = ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/passwd",
        "/etc/group", "/etc/localtime", "/etc/nsswitch.conf", "/etc/alternatives"]


class SandboxError(RuntimeError):
    """The sandbox cannot be set up on this machine (the message says what is missing)."""


def bwrap_path() -> str:
    found = shutil.which("bwrap")
    if not found:
        raise SandboxError("bubblewrap is not installed: `apt-get install bubblewrap` (Debian), "
                           "or grade without the sandbox (--no-sandbox) on a machine you trust")
    return found


def bwrap_args(cwd: str, scratch: str, readonly: list[str], env: dict[str, str],
               space_bytes: int = 0, trusted: set[str] | None = None) -> list[str]:
    """The bubblewrap command line (without the kernel command).

    ``space_bytes``: size of each private tmpfs (HOME, TMPDIR, the working folder,
    ``/dev/shm``; default ``LIMITS.space_bytes``). Their pages are charged to the writer's
    memory cgroup, so everything written there is counted in the process's memory limit.
    ``trusted``: the names in ``cwd`` the process may see (what nbgrader copied from
    ``source/``, e.g. ``cnnlab``); None: every name but notebooks and ``timestamp.txt``.
    """
    size = ["--size", str(space_bytes or LIMITS.space_bytes)]
    args = [bwrap_path(), "--die-with-parent", "--new-session", "--unshare-user",
            "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL",
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
            "--ro-bind", "/usr", "/usr", "--ro-bind", "/sys", "/sys",
            "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", *size, "--tmpfs", "/dev/shm"]
    for name in ("bin", "sbin", "lib", "lib64", "lib32"):
        link = Path("/") / name
        if link.is_symlink():
            args += ["--symlink", os.readlink(link), str(link)]
        elif link.is_dir():
            args += ["--ro-bind", str(link), str(link)]
    for path in _ETC:
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for path in dict.fromkeys([sys.prefix, sys.base_prefix, *readonly]):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    # The scratch folder (IPC sockets, connection file, IPython and matplotlib settings) is
    # shared with the host, which keeps it on a tmpfs (see scratch_base); HOME and TMPDIR
    # inside it, and the working folder, are private size-limited tmpfs.
    args += ["--bind", scratch, scratch]
    for sub in ("home", "tmp"):
        if os.path.isdir(os.path.join(scratch, sub)):
            args += [*size, "--tmpfs", os.path.join(scratch, sub)]
    # The kernel's working folder is a private one shown at the notebook's path: the
    # real autograded folder holds the notebook being graded, hidden tests included.
    if os.path.realpath(cwd) != os.path.realpath(scratch):
        args += [*size, "--tmpfs", cwd]
    for name in sorted(os.listdir(cwd)):  # what nbgrader copied from source/ (cnnlab)
        if trusted is not None and name not in trusted:
            continue  # a student's own numpy.py beside the notebook, say
        if not name.endswith(".ipynb") and name != "timestamp.txt":
            args += ["--ro-bind", os.path.join(cwd, name), os.path.join(cwd, name)]
    args += ["--remount-ro", "/tmp", "--remount-ro", "/", "--chdir", cwd, "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args + ["--"]


def sandboxed_command(cmd: list[str], cwd: str, scratch: str, readonly: list[str],
                      env: dict[str, str], cgroups: list[Path], cpu_seconds: int = LIMITS.cpu_seconds,
                      file_bytes: int = LIMITS.file_bytes, trusted: set[str] | None = None) -> list[str]:
    """``cmd`` run in the job's cgroups, under CPU/file-size limits, inside bubblewrap."""
    return in_cgroups(["prlimit", f"--cpu={cpu_seconds}", f"--fsize={file_bytes}", "--"]
                      + bwrap_args(cwd, scratch, readonly, env, trusted=trusted) + cmd, cgroups)


def data_paths(course: Path) -> list[str]:
    """The photos' folder as the kernel reaches it, and its target when it is a symlink."""
    data = course / "data" / "cats-and-dogs"
    return list(dict.fromkeys([str(data), str(data.resolve())]))


def job_tag(*parts: str) -> str:
    """A short name for one grading job of this process (cgroups, scratch folders)."""
    import hashlib

    return hashlib.sha1("-".join([str(os.getpid()), *parts]).encode()).hexdigest()[:10]


def scratch_prefix(tag: str = "") -> str:
    """Name prefix of the scratch folders of one grading job (``tag``: the job's, or $ENV_TAG)."""
    return f"lab2-kernel-{tag or os.environ.get(ENV_TAG, 'x')}-"


def scratch_base() -> str:
    """Where scratch folders are made: the host's ``/dev/shm`` (a tmpfs, so what the
    sandboxed process writes there is memory charged to its own memory cgroup, never
    the host's disk), else the temporary folder."""
    shm = "/dev/shm"
    if os.path.isdir(shm) and os.access(shm, os.W_OK):
        try:
            with open("/proc/self/mounts", encoding="utf-8") as mounts:
                if any(line.split()[1:3] == [shm, "tmpfs"] for line in mounts):
                    return shm
        except OSError:
            pass
    return tempfile.gettempdir()


def remove_scratch(tag: str) -> None:
    """Remove a job's scratch folders that a killed process could not remove itself."""
    for base in dict.fromkeys([scratch_base(), tempfile.gettempdir()]):
        for folder in Path(base).glob(scratch_prefix(tag) + "*"):
            shutil.rmtree(folder, ignore_errors=True)


def make_scratch() -> str:
    """A private scratch folder for one sandboxed process (removed by the caller)."""
    scratch = tempfile.mkdtemp(prefix=scratch_prefix(), dir=scratch_base())
    os.chmod(scratch, 0o755)
    for sub in ("home", "ipython", "matplotlib", "tmp"):
        os.mkdir(os.path.join(scratch, sub))
    return scratch


def kernel_env(parent_env: dict[str, str], scratch: str) -> dict[str, str]:
    """What the kernel's environment holds: nothing of the instructor's but what it needs."""
    keep = ("NBGRADER_EXECUTION", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
            "MPLBACKEND", "LANG", "LC_ALL", "LAB2_DATA", "TZ")
    env = {k: parent_env[k] for k in keep if k in parent_env}
    env.update(PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin", HOME=f"{scratch}/home",
               IPYTHONDIR=f"{scratch}/ipython", MPLCONFIGDIR=f"{scratch}/matplotlib",
               PYTHONDONTWRITEBYTECODE="1", TMPDIR=f"{scratch}/tmp")
    env.setdefault("LANG", "C.UTF-8")
    return env


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel runs in the sandbox described in the module docstring.

    The class pool (``coursetools.grading.engine``) makes each notebook's cgroups and
    passes them through the environment (ENV_*) after one self-test for the whole
    run. Started any other way (plain ``nbgrader autograde``, formgrader's
    "Autograde" button), the manager does that itself: it runs the self-test once
    per process (and refuses to start a kernel when it fails), makes the kernel's
    cgroups, and kills the kernel after ``wall_seconds``.
    """

    cgroups = List(Unicode(), help="cgroup folders (v1 memory, pids) the kernel joins").tag(config=True)
    readonly = List(Unicode(), help="extra paths the kernel may read (the photos)").tag(config=True)
    matplotlib_cache = Unicode("", help="a matplotlib config folder with its font cache built").tag(config=True)
    course_root = Unicode("", help="the course folder: its photos are readable, and of the "
                                   "autograded folder only what source/ holds is shown").tag(config=True)
    wall_seconds = Float(LIMITS.notebook_seconds, help="wall clock of one kernel when the manager "
                         "makes its own cgroups (the class pool kills the whole job itself)").tag(config=True)
    memory_bytes = Int(LIMITS.memory_bytes, help="memory limit of a kernel in its own cgroups").tag(config=True)
    max_pids = Int(LIMITS.max_pids, help="processes and threads of a kernel in its own cgroups").tag(config=True)

    @default("cgroups")
    def _cgroups_default(self):
        return [g for g in os.environ.get(ENV_CGROUPS, "").split(os.pathsep) if g]

    @default("readonly")
    def _readonly_default(self):
        return data_paths(Path(self.course_root)) if self.course_root else []

    @default("matplotlib_cache")
    def _matplotlib_cache_default(self):
        return os.environ.get(ENV_MATPLOTLIB, "")

    cpu_seconds = Int(LIMITS.cpu_seconds, help="CPU time limit of the kernel, seconds").tag(config=True)
    file_bytes = Int(LIMITS.file_bytes, help="largest file the kernel may write, bytes").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._own_groups: list[Path] = []
        self.groups: list[Path] = []  # the running kernel's cgroups
        self._watchdog = None
        self._scratch = make_scratch()
        cache = self.matplotlib_cache or (own_matplotlib_cache() if not self.cgroups else "")
        if cache and os.path.isdir(cache):
            shutil.copytree(cache, os.path.join(self._scratch, "matplotlib"), dirs_exist_ok=True)
        self.transport = "ipc"
        self.ip = os.path.join(self._scratch, "kernel")
        self.connection_file = os.path.join(self._scratch, "kernel.json")

    def _trusted_names(self) -> set[str] | None:
        """What of the autograded folder the kernel may see: the names ``source/lab2`` holds."""
        if not self.course_root:
            return None
        from ..paths import ASSIGNMENT

        source = Path(self.course_root) / "source" / ASSIGNMENT
        return {p.name for p in source.iterdir()} if source.is_dir() else set()

    @property
    def scratch(self) -> str:
        """The kernel's scratch folder, shown at the same path inside its sandbox."""
        return self._scratch

    def _kernel_groups(self) -> list[Path]:
        if self.cgroups:  # made (and self-tested) by the class pool
            return [Path(g) for g in self.cgroups]
        require_self_test()
        self._own_groups = make_cgroups("kernel-" + job_tag("km", str(id(self))),
                                        self.memory_bytes, self.max_pids)
        self._watchdog = threading.Timer(self.wall_seconds, kill_cgroups, [self._own_groups])
        self._watchdog.daemon = True
        return self._own_groups

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        cwd = str(kw.get("cwd") or os.getcwd())
        env = kernel_env(dict(kw.get("env") or os.environ), self._scratch)
        groups = self.groups = self._kernel_groups()
        cmd = sandboxed_command(list(kernel_cmd), cwd, self._scratch, list(self.readonly), env,
                                groups, self.cpu_seconds, self.file_bytes, self._trusted_names())
        kw["env"] = {"PATH": "/usr/bin:/bin"}
        await super()._async_launch_kernel(cmd, **kw)
        if self._watchdog is not None:
            self._watchdog.start()

    async def _async_interrupt_kernel(self):
        # bubblewrap does not pass SIGINT on: ask the kernel itself (it raises KeyboardInterrupt).
        if self.has_kernel:
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)

    interrupt_kernel = _async_interrupt_kernel

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart:
            if self._watchdog is not None:
                self._watchdog.cancel()
            if self._own_groups:
                kill_cgroups(self._own_groups)
            shutil.rmtree(self._scratch, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources


_SELF_TEST: list[str] | None = None  # what failed in this process's self-test (None: not run yet)
_MPL_CACHE: str | None = None


def require_self_test(again: bool = False) -> None:
    """Run the self-test once per process (``again``: run it anew); raise SandboxError (one
    line) when a limit does not hold."""
    global _SELF_TEST
    if _SELF_TEST is None or again:
        try:
            _SELF_TEST = self_test()
        except SandboxError as error:
            _SELF_TEST = [str(error)]
    if _SELF_TEST:
        raise SandboxError(
            "the grading sandbox does not hold on this machine (" + "; ".join(_SELF_TEST)
            + "): no student code was run. Grade with `scripts/in-venv python -m coursetools "
            "autograde` (add --no-sandbox only for code you trust).")


def own_matplotlib_cache() -> str:
    """A matplotlib font cache built once per process (a fresh HOME would warn on stderr)."""
    global _MPL_CACHE
    if _MPL_CACHE is None:
        import atexit

        _MPL_CACHE = str(build_matplotlib_cache(Path(tempfile.mkdtemp(prefix="lab2-mpl-"))))
        atexit.register(shutil.rmtree, _MPL_CACHE, True)  # gone with the process
    return _MPL_CACHE


# --- per-notebook cgroups, made and emptied by the trusted parent ---------------------------------

def make_cgroups(name: str, memory_bytes: int, max_pids: int, cpus: float = 1.0) -> list[Path]:
    """Create the memory, pids, cpu and cpuacct cgroups of one job; raise SandboxError when it
    cannot.

    ``cpus``: CPU share (1.0 = one core), so a submission that spins or forks
    slows only itself, not the students graded beside it. cpuacct counts the CPU
    time the job spent (``cpu_seconds``), whatever the load beside it.
    """
    made = []
    controllers = (
        ("memory", {"memory.limit_in_bytes": memory_bytes, "memory.memsw.limit_in_bytes": memory_bytes}),
        ("pids", {"pids.max": max_pids}),
        ("cpu", {"cpu.cfs_period_us": 100_000, "cpu.cfs_quota_us": int(cpus * 100_000)}),
        ("cpuacct", {}),
    )
    for controller, settings in controllers:
        base = CGROUP_ROOT / controller
        if not (base / "cgroup.procs").exists():
            raise SandboxError(f"no writable cgroup v1 '{controller}' controller under {CGROUP_ROOT} "
                               "(memory, pids, cpu and cpuacct bound and measure a kernel, root included)")
        group = base / "lab2" / name
        group.mkdir(parents=True, exist_ok=True)
        for key, value in settings.items():
            if (group / key).exists():
                try:
                    (group / key).write_text(str(value))
                except OSError:
                    if key != "memory.memsw.limit_in_bytes":  # swap accounting may be off
                        raise
        made.append(group)
    return made


def join_cgroups(groups) -> None:
    """Move the calling process into these cgroup folders: their limits hold from here on (a
    fork does this first; a command started by the pool does it in ``nbgrader_cli.in_cgroups``)."""
    for group in groups:
        Path(group, "cgroup.procs").write_text(str(os.getpid()))


def cpu_seconds(groups: list[Path]) -> float:
    """CPU seconds (user + system) every process of these groups has used so far, those that
    ended included (cgroup v1 ``cpuacct.usage``)."""
    return sum(int((g / "cpuacct.usage").read_text()) for g in groups
               if (g / "cpuacct.usage").exists()) / 1e9


def kill_cgroups(groups: list[Path]) -> int:
    """Kill every process left in the groups, then remove them; return how many were killed."""
    killed = 0
    for _ in range(50):
        pids = {int(p) for g in groups if (g / "cgroup.procs").exists()
                for p in (g / "cgroup.procs").read_text().split()}
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(0.1)
    for group in groups:  # a process just killed can keep its cgroup busy for a moment
        for _ in range(20):
            try:
                group.rmdir()
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.05)
    return killed


def oom_killed(groups: list[Path]) -> bool:
    """Whether the memory limit of these groups was hit."""
    for group in groups:
        control = group / "memory.oom_control"
        if control.exists():
            counts = dict(line.split() for line in control.read_text().splitlines() if " " in line)
            if int(counts.get("oom_kill", 0)) > 0:
                return True
    return False


def build_matplotlib_cache(target: Path) -> Path:
    """Build matplotlib's font cache in ``target`` (copied into every sandbox: no stderr warning)."""
    import subprocess

    target.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", "import matplotlib.pyplot"], check=True,
                   env={**os.environ, "MPLCONFIGDIR": str(target), "MPLBACKEND": "Agg"},
                   capture_output=True)
    return target


def self_test(memory_bytes: int = 64 * 2**20, max_pids: int = 16) -> list[str]:
    """Check, before any student code runs, that the limits hold here; return what failed.

    A process in the sandbox tries to allocate 4x the memory limit, to start 4x
    the process limit, to reach the network and to read this file.
    """
    import subprocess

    probe = (
        "import os, socket, sys\n"
        "out = []\n"
        "try:\n"
        "    socket.create_connection(('1.1.1.1', 53), timeout=2); out.append('network reachable')\n"
        "except OSError: pass\n"
        f"if os.path.exists({__file__!r}): out.append('instructor code readable')\n"
        "kids = []\n"
        "try:\n"
        f"    for _ in range({4 * max_pids}):\n"
        "        pid = os.fork()\n"
        "        if pid == 0:\n"
        "            import time; time.sleep(3); os._exit(0)\n"
        "        kids.append(pid)\n"
        "    out.append('process limit not enforced')\n"
        "except OSError: pass\n"
        "print('probe:' + ';'.join(out), flush=True)\n"
        f"block = bytearray({4 * memory_bytes})\n"
        "print('memory limit not enforced', flush=True)\n"
    )
    problems = []
    groups = make_cgroups(f"selftest-{os.getpid()}", memory_bytes, max_pids)
    scratch = tempfile.mkdtemp(prefix="lab2-selftest-")
    try:
        cmd = sandboxed_command([sys.executable, "-c", probe], scratch, scratch, [],
                                {"PATH": "/usr/bin:/bin"}, groups)
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
        lines = done.stdout.strip().splitlines()
        if not lines or not lines[0].startswith("probe:"):
            problems.append(f"the sandbox did not start: {done.stderr.strip()[-300:]}")
        else:
            problems += [p for p in lines[0][len("probe:"):].split(";") if p] + lines[1:]
            if done.returncode == 0:
                problems.append("memory limit not enforced")
    finally:
        kill_cgroups(groups)
        shutil.rmtree(scratch, ignore_errors=True)
    return sorted(set(problems))
