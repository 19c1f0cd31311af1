#!/usr/bin/env bash
# Package smoke test: uses the packages the way a new user does, outside this repository.
#
#   1. dotnet pack the solution into a temporary feed (version 0.1.0-dev.<commits>.g<sha>, build/Versioning.targets);
#      the tool package must hold no SkiaSharp file (drawing lives in TrainWatch.Imaging, which the CLI does not use);
#   2. a consumer console project in a temporary directory (not under this repository, so none of our
#      Directory.Build.* / build/*.targets apply) with its own nuget.config and its own, empty global-packages folder:
#      TrainWatch.* can come only from the temporary feed (packageSourceMapping), never from a cache that may hold
#      another commit's build of the same version;
#   3. it references TrainWatch.TorchSharp and TorchSharp-cpu by version, attaches the watcher in one line, builds and
#      trains 40 watched steps; the run is checked by the independent reader ../shared/tools/tfevents-check;
#      an app that gets the packages only through a library project it references gets the fix as well;
#   4. the same consumer built with -p:TorchSharpNativeFix=false must fail to load TorchSharp on a system whose
#      libstdc++ lacks GLIBCXX_3.4.32 (Debian 12): proof that the package's build step is what makes it work;
#   5. dotnet publish -r linux-x64 --self-contained, and the published consumer trains too;
#   6. dotnet tool install TrainWatch.Cli from the same feed into a tool path; `trainwatch inspect` reads the run;
#   7. the README's Install and Attach sections verbatim, as a new user on a fresh machine (own HOME): its pack command
#      made the feed of step 1; a new console project runs its install commands (local source, --prerelease, the
#      Linux-only libtorch package, the global tool), its Attach block is the whole Program.cs, and the run it trains
#      is checked; the program prints no TrainWatch line but its start-up line and alerts.
#
# usage: scripts/package-smoke.sh            (KEEP_SMOKE_DIR=1 keeps the temporary directory for a look afterwards)
# Called by .ci/run after the tests. Linux x64 only (the consumer publishes for linux-x64).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
started=$SECONDS
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

step() { echo "== package smoke [$((SECONDS - started))s]: $*"; }
fail() { echo "package smoke FAILED: $*" >&2; exit 1; }

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "== package smoke: skipped, it needs Linux x64 (found $(uname -s) $(uname -m))"
  exit 0
fi
command -v python3 >/dev/null 2>&1 || fail "python3 is needed (package checks and ../shared/tools/tfevents-check)"

checker="$repo/../shared/tools/tfevents-check"
[ -f "$checker" ] || fail "the independent event-file checker $checker is missing"

work="$(mktemp -d "${TMPDIR:-/tmp}/trainwatch-package-smoke.XXXXXX")"
cleanup() {
  if [ "${KEEP_SMOKE_DIR:-}" = 1 ]; then echo "== package smoke: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
# The README's commands write to ~: a fresh home of our own is the new user's machine (and keeps the real one clean).
home="$work/home"
mkdir -p "$home"
feed="$home/trainwatch-packages" packages="$work/packages" tools="$work/tools" runs="$work/runs"

# The machine's own packages folder, found before NUGET_PACKAGES is pointed at the private one below.
machine_cache="$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: *//p')"
machine_cache="${machine_cache%/}"

# The README's code blocks, by position in a section: Install 0 is the pack command (run in this repository),
# Install 1 the install commands (run in the user's project), Attach 0 the program.
readme_block() {
  python3 - "$repo/README.md" "$1" "$2" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = text.split("\n## " + sys.argv[2] + "\n", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"^```(\w*)\n(.*?)^```", section, re.S | re.M)
print(blocks[int(sys.argv[3])][1], end="")
EOF
}
readme_pack="$(readme_block Install 0 | sed 's/[[:space:]]*#.*$//' | grep -v '^[[:space:]]*$')"
case "$readme_pack" in
  "dotnet pack "*) ;;
  *) fail "the README's first Install block is not its pack command: $readme_pack" ;;
esac

step "pack the solution as the README says: $readme_pack"
# The machine's packages folder for the repository's own restore (the new user's first restore downloads them).
(cd "$repo" && HOME="$home" NUGET_PACKAGES="$machine_cache" bash -euo pipefail -c "$readme_pack -tl:off -v:minimal") >"$work/pack.log" 2>&1 \
  || { cat "$work/pack.log"; fail "dotnet pack failed"; }
shopt -s nullglob
nupkgs=("$feed"/TrainWatch.TorchSharp.[0-9]*.nupkg)
shopt -u nullglob
[ "${#nupkgs[@]}" = 1 ] || fail "expected one TrainWatch.TorchSharp package in $feed, found: ${nupkgs[*]:-none}"
version="$(basename "${nupkgs[0]}" .nupkg)"
version="${version#TrainWatch.TorchSharp.}"
for id in TrainWatch TrainWatch.Imaging TrainWatch.Cli; do
  [ -f "$feed/$id.$version.nupkg" ] || fail "$feed/$id.$version.nupkg is missing (versions differ between packages?)"
done
echo "version $version; CLI tool package $(stat -c %s "$feed/TrainWatch.Cli.$version.nupkg") bytes"

# The tool draws nothing: no SkiaSharp file (managed or native), and its deps.json names none.
python3 - "$feed/TrainWatch.Cli.$version.nupkg" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    skia = [n for n in z.namelist() if "skia" in n.lower()]
    skia += [n for n in z.namelist() if n.endswith(".deps.json") and b"SkiaSharp" in z.read(n)]
if skia:
    sys.exit("the TrainWatch.Cli tool package carries SkiaSharp: " + ", ".join(skia))
EOF

# The package carries the repository's fix file unchanged (one implementation), where NuGet imports it.
python3 - "$feed/TrainWatch.TorchSharp.$version.nupkg" "$repo/build/TorchSharpNativeFix.targets" <<'EOF'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    packed = z.read("buildTransitive/TrainWatch.TorchSharp.targets")
if packed != open(sys.argv[2], "rb").read():
    sys.exit("buildTransitive/TrainWatch.TorchSharp.targets differs from build/TorchSharpNativeFix.targets")
EOF

step "write a consumer project in $work (own nuget.config, private packages folder $packages)"
# NuGet sources: the temporary feed for TrainWatch.* only; everything else (TorchSharp, libtorch, the .NET runtime
# pack) from this machine's configured sources, with the machine's packages folder first as a plain local source
# (a folder of <id>/<version>/<id>.<version>.nupkg) so that libtorch's few hundred MB need not be downloaded again.
# packageSourceMapping sends TrainWatch and TrainWatch.* to the feed alone: a TrainWatch package in the machine's
# folder or on a registry can never be picked up.
sources=()
while read -r state url; do
  [ "$state" = E ] && sources+=("$url")
done < <(cd "$work" && dotnet nuget list source --format short 2>/dev/null || true)
[ "${#sources[@]}" -gt 0 ] || sources=("https://api.nuget.org/v3/index.json")
{
  echo '<?xml version="1.0" encoding="utf-8"?>'
  echo '<configuration>'
  echo "  <config><add key=\"globalPackagesFolder\" value=\"$packages\" /></config>"
  echo '  <fallbackPackageFolders><clear /></fallbackPackageFolders>'
  echo '  <packageSources>'
  echo '    <clear />'
  echo "    <add key=\"trainwatch-feed\" value=\"$feed\" />"
  [ -d "$machine_cache" ] && echo "    <add key=\"machine-packages\" value=\"$machine_cache\" />"
  i=0; for s in "${sources[@]}"; do echo "    <add key=\"registry$i\" value=\"$s\" />"; i=$((i + 1)); done
  echo '  </packageSources>'
  echo '  <packageSourceMapping>'
  echo '    <packageSource key="trainwatch-feed"><package pattern="TrainWatch" /><package pattern="TrainWatch.*" /></packageSource>'
  [ -d "$machine_cache" ] && echo '    <packageSource key="machine-packages"><package pattern="*" /></packageSource>'
  i=0; for s in "${sources[@]}"; do echo "    <packageSource key=\"registry$i\"><package pattern=\"*\" /></packageSource>"; i=$((i + 1)); done
  echo '  </packageSourceMapping>'
  echo '</configuration>'
} >"$work/nuget.config"
# Stop MSBuild's upward search for Directory.Build.* / Directory.Packages.props at $work: a user's project has none.
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$work/$f"; done
# NUGET_PACKAGES would override globalPackagesFolder; point it at the private folder as well.
export NUGET_PACKAGES="$packages"

mkdir -p "$work/consumer"
cat >"$work/consumer/Consumer.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="TrainWatch.TorchSharp" Version="$version" />
    <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
  </ItemGroup>
</Project>
EOF
cat >"$work/consumer/Program.cs" <<'EOF'
using TorchSharp;
using TrainWatch.TorchSharp;
using static TorchSharp.torch;

// A user's small training loop: regression with a two-layer MLP, 40 steps, TrainWatch attached in one line.
string logDirectory = args.Length > 0 ? args[0] : "runs/consumer";
const int Steps = 40;

torch.manual_seed(7);
var x = torch.randn(256, 8);
var y = x.matmul(torch.randn(8, 1)).add_(0.1);
var model = nn.Sequential(("fc1", nn.Linear(8, 32)), ("relu", nn.ReLU()), ("fc2", nn.Linear(32, 1)));
var optimizer = optim.SGD(model.parameters(), learningRate: 0.05);
var criterion = nn.MSELoss();

using (var watch = TrainWatcher.Attach(model, optimizer, logDirectory, every: 5))
{
    for (int step = 0; step < Steps; step++)
    {
        using var scope = torch.NewDisposeScope();
        optimizer.zero_grad();
        var loss = criterion.call(model.call(x), y);
        loss.backward();
        watch.Step(loss);
        optimizer.step();
    }
}

Console.WriteLine($"consumer: trained {Steps} watched steps into {logDirectory}");
EOF
cp -r "$work/consumer" "$work/consumer-nofix"
# The same program in an app that gets the packages only through a library project it references: the fix
# must reach it too (buildTransitive).
mkdir -p "$work/indirect/Lib" "$work/indirect/App"
sed 's|<OutputType>Exe</OutputType>||' "$work/consumer/Consumer.csproj" >"$work/indirect/Lib/Lib.csproj"
cp "$work/consumer/Program.cs" "$work/indirect/App/"
cat >"$work/indirect/App/App.csproj" <<'EOF2'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <ProjectReference Include="../Lib/Lib.csproj" />
  </ItemGroup>
</Project>
EOF2

step "restore and build the consumer"
(cd "$work/consumer" && dotnet build -c Release -tl:off -v:minimal) >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; fail "the consumer does not build"; }
grep -q "TrainWatch: marked GLIBCXX_3.4.32 weak" "$work/build.log" \
  || { cat "$work/build.log"; fail "the build did not say that it patched libLibTorchSharp.so (is buildTransitive imported?)"; }
grep "TrainWatch: marked" "$work/build.log"

# TrainWatch packages came from the temporary feed, nowhere else.
for id in trainwatch trainwatch.imaging trainwatch.torchsharp; do
  meta="$packages/$id/${version,,}/.nupkg.metadata"
  [ -f "$meta" ] || fail "$id $version was not restored into the private folder ($meta)"
  python3 - "$meta" "$feed" <<'EOF' || fail "$id was restored from somewhere other than the temporary feed"
import json, os, sys
source = json.load(open(sys.argv[1])).get("source", "")
sys.exit(0 if os.path.realpath(source) == os.path.realpath(sys.argv[2]) else f"source: {source!r}")
EOF
done

step "run the consumer (40 watched steps)"
(cd "$work/consumer" && dotnet run -c Release --no-build -- "$runs/built") || fail "the consumer built with the fix does not run"
step "independent check of the consumer's run"
python3 "$checker" "$runs/built" | tail -n 3 || fail "tfevents-check rejected $runs/built"

step "an app that references the packages only through a library project"
(cd "$work/indirect/App" && dotnet build -c Release -tl:off -v:minimal) >"$work/build-indirect.log" 2>&1 \
  || { cat "$work/build-indirect.log"; fail "the indirect consumer does not build"; }
grep -q "TrainWatch: marked GLIBCXX_3.4.32 weak" "$work/build-indirect.log" \
  || { cat "$work/build-indirect.log"; fail "the fix did not reach an app that gets TrainWatch.TorchSharp through a project"; }
(cd "$work/indirect/App" && dotnet run -c Release --no-build -- "$runs/indirect") || fail "the indirect consumer does not run"
python3 "$checker" "$runs/indirect" | tail -n 1 || fail "tfevents-check rejected $runs/indirect"

step "the same consumer with -p:TorchSharpNativeFix=false"
(cd "$work/consumer-nofix" && dotnet build -c Release -tl:off -v:minimal -p:TorchSharpNativeFix=false) >"$work/build-nofix.log" 2>&1 \
  || { cat "$work/build-nofix.log"; fail "the consumer does not build with the fix turned off"; }
if grep -q "TrainWatch: marked" "$work/build-nofix.log"; then fail "-p:TorchSharpNativeFix=false still patched"; fi
libstdcxx="$( (/sbin/ldconfig -p 2>/dev/null || ldconfig -p 2>/dev/null || true) | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')"
[ -n "$libstdcxx" ] || libstdcxx=/usr/lib/x86_64-linux-gnu/libstdc++.so.6
if [ ! -f "$libstdcxx" ]; then
  echo "skipped the opt-out assertion: cannot find the system libstdc++.so.6"
elif grep -qa "GLIBCXX_3\.4\.32" "$libstdcxx"; then
  echo "skipped the opt-out assertion: $libstdcxx has GLIBCXX_3.4.32, so TorchSharp loads here even unpatched"
else
  set +e
  (cd "$work/consumer-nofix" && dotnet run -c Release --no-build -- "$runs/nofix") >"$work/run-nofix.log" 2>&1
  code=$?
  set -e
  [ "$code" != 0 ] || { cat "$work/run-nofix.log"; fail "without the fix the consumer ran on a libstdc++ that lacks GLIBCXX_3.4.32: the test proves nothing"; }
  grep -q "libtorch-cpu-linux-x64\|GLIBCXX_3.4.32" "$work/run-nofix.log" \
    || { cat "$work/run-nofix.log"; fail "without the fix the consumer failed (exit $code), but not with TorchSharp's native-load error"; }
  echo "as expected, without the fix TorchSharp does not load (exit $code): $(grep -o "[^.]*libtorch-cpu-linux-x64[^.]*" "$work/run-nofix.log" | head -n 1)"
fi

step "publish the consumer (-r linux-x64, self-contained) and run the published output"
(cd "$work/consumer" && dotnet publish -c Release -r linux-x64 --self-contained -o "$work/publish" -tl:off -v:minimal) >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log"; fail "dotnet publish -r linux-x64 failed"; }
grep "TrainWatch: marked" "$work/publish.log" || true
"$work/publish/Consumer" "$runs/published" || fail "the published consumer does not run"
python3 "$checker" "$runs/published" | tail -n 1 || fail "tfevents-check rejected $runs/published"

step "install the trainwatch tool (package TrainWatch.Cli) from the feed and inspect the run"
(cd "$work" && dotnet tool install TrainWatch.Cli --version "$version" --tool-path "$tools" --configfile "$work/nuget.config") \
  || fail "dotnet tool install TrainWatch.Cli $version failed"
reported="$("$tools/trainwatch" --version)"
case "$reported" in
  "$version"|"$version+"*) ;;
  *) fail "the installed trainwatch reports version '$reported', expected $version" ;;
esac
"$tools/trainwatch" inspect "$runs/built" | tee "$work/inspect.txt" || fail "trainwatch inspect failed on $runs/built"
grep -q "train/loss" "$work/inspect.txt" || fail "trainwatch inspect does not list train/loss"

step "the README's Install and Attach sections verbatim, in a new console project with HOME=$home"
fresh="$(mktemp -d "${TMPDIR:-/tmp}/trainwatch-readme.XXXXXX")"
trap 'cleanup; [ "${KEEP_SMOKE_DIR:-}" = 1 ] && echo "== package smoke: kept $fresh" || rm -rf "$fresh"' EXIT
# Outside $work: its nuget.config and MSBuild stubs are not the new user's. Our own stubs stop MSBuild's upward search.
for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do echo '<Project />' >"$fresh/$f"; done
# A packages folder of its own, seeded with hard links to the machine's packages (never a TrainWatch one) so that
# libtorch is not downloaded again: a cache, not a source, so what is restored is decided by the README's commands.
mkdir -p "$fresh/packages"
for dir in "$machine_cache"/*; do
  case "$(basename "$dir")" in trainwatch*) continue ;; esac
  cp -al "$dir" "$fresh/packages/" 2>/dev/null || cp -a "$dir" "$fresh/packages/"
done
readme_install="$(readme_block Install 1)"
readme_attach="$(readme_block Attach 0)"
echo "$readme_install" | grep -q -- "--prerelease" || fail "the README's install commands do not say --prerelease"
(
  export HOME="$home" NUGET_PACKAGES="$fresh/packages"
  cd "$fresh"
  dotnet new console -o MyTrainer >"$fresh/new.log" 2>&1 || { cat "$fresh/new.log"; exit 1; }
  cd MyTrainer
  bash -euo pipefail -c "$readme_install" >"$fresh/install.log" 2>&1 || { cat "$fresh/install.log"; exit 1; }
  printf '%s' "$readme_attach" >Program.cs
  dotnet build -c Release -tl:off -v:minimal >"$fresh/build.log" 2>&1 || { cat "$fresh/build.log"; exit 1; }
  dotnet run -c Release --no-build >"$fresh/run.log" 2>&1 || { cat "$fresh/run.log"; exit 1; }
) || fail "the README's install and attach sections do not work as written"
grep -q 'Include="libtorch-cpu-linux-x64"' "$fresh/MyTrainer/MyTrainer.csproj" || fail "libtorch-cpu-linux-x64 was not added"
cat "$fresh/run.log"
unexpected="$(grep "TrainWatch" "$fresh/run.log" | grep -v "^TrainWatch: writing \|^TrainWatch alert" || true)"
[ -z "$unexpected" ] || fail "the README's program printed TrainWatch lines other than its start-up line and alerts: $unexpected"
[ "$(grep -c "^TrainWatch: writing " "$fresh/run.log")" = 1 ] || fail "the README's program did not print one start-up line"
python3 "$checker" "$fresh/MyTrainer/runs/exp1" | tail -n 1 || fail "tfevents-check rejected the README program's run"
"$home/.dotnet/tools/trainwatch" inspect "$fresh/MyTrainer/runs/exp1" >"$fresh/inspect.txt" || fail "the globally installed trainwatch failed"
grep -q "probe/output_vs_input" "$fresh/inspect.txt" || { cat "$fresh/inspect.txt"; fail "the README program's run has no output-vs-input picture"; }
# The smallest package set the README names: libtorch for Linux only, not TorchSharp-cpu's Windows and macOS ones.
if grep -q '"libtorch-cpu-win-x64/\|"libtorch-cpu-osx-arm64/' "$fresh/MyTrainer/obj/project.assets.json"; then
  fail "the README's install brought the Windows or macOS libtorch"
fi
echo "README install and attach: trained, checked, inspected; libtorch for Linux x64 only"

step "passed in $((SECONDS - started))s (version $version)"
