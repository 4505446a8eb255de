#!/usr/bin/env bash
# The staged GPU check of the GPU adapter (see docs/gpu-adapter.md, "Running the GPU check").
#
#   scripts/gpu-check.sh bundle            on a build machine (JDK 25, Maven): the check's jars and a jlinked
#                                          JRE into scripts/.gpu-check/ (ignored by git; ~25 MB), for a GPU
#                                          machine that has no Java and no network
#   scripts/gpu-check.sh [run] [--with-32b]  on the GPU machine: stages 0-4, then the summary table, into $OUT
#                                          (or scripts/.gpu-check-out/)
#
# Stages, each its own JVM under its own time limit, each writing results.json and stageN.log as it goes,
# so a stage that hangs or times out keeps what the others measured:
#   0 environment and library paths   1 every kernel vs the CPU reference (bf16 and fp16)
#   2 tiny-model parity: GPU tp=1 and tp=2/4 logical vs the CPU in fp32
#   3 NCCL smoke test (one rank)       4 prefill/decode speed at Qwen2.5-1.5B (tp=1, tp=4 logical) and 7B (tp=1)
# Without a GPU, stage 0 says why and stages 1-4 are recorded as SKIPPED (never as passed).
# Worst case under eight minutes (the limits below add up to 460 s); a normal run takes far less.
# Exit status: 0 when nothing failed (skipped is not failed), 1 when something did, 2 on a usage error.
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$root/scripts/.gpu-check
main=dev.vela.gpu.check.GpuCheck
stage_limits=(30 110 80 40 200)

usage() {
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# The JDK to build and jlink with: the one holding bin/find-java's Java 25+ ($JAVA_HOME's first).
find_jdk() {
    local java home
    java=$("$root/bin/find-java") || return 1
    home=$(dirname "$(dirname "$(readlink -f "$java")")")
    if [ ! -x "$home/bin/jlink" ]; then
        echo "gpu-check.sh: $home is a JRE without jlink; set JAVA_HOME to a JDK 25" >&2
        return 1
    fi
    echo "$home"
}

build_jars() {
    local jdk=$1
    (cd "$root" && JAVA_HOME=$jdk ./mvnw -q -o -pl gpu-check -am package -DskipTests) \
        || (cd "$root" && JAVA_HOME=$jdk ./mvnw -q -pl gpu-check -am package -DskipTests) \
        || { echo "gpu-check.sh: the Maven build failed" >&2; exit 2; }
}

# The check's jars in this checkout's build: the harness, the adapter, its CPU reference (the adapter's test
# fixtures, vela-adapters-gpu-tests.jar), the application and the domain.
check_jars() {
    ls "$root"/domain/target/vela-domain.jar "$root"/application/target/vela-application.jar \
        "$root"/adapters-gpu/target/vela-adapters-gpu.jar "$root"/adapters-gpu/target/vela-adapters-gpu-tests.jar \
        "$root"/gpu-check/target/vela-gpu-check.jar 2>/dev/null
}

cmd_bundle() {
    local jdk
    jdk=$(find_jdk) || exit 2
    build_jars "$jdk"
    rm -rf "$bundle"
    mkdir -p "$bundle/lib"
    local jars
    mapfile -t jars < <(check_jars)
    cp "${jars[@]}" "$bundle/lib/"
    "$jdk/bin/jlink" --add-modules java.base,jdk.incubator.vector,java.logging,jdk.unsupported \
        --strip-debug --no-header-files --no-man-pages --compress=zip-9 --output "$bundle/jre" \
        || { echo "gpu-check.sh: jlink failed" >&2; exit 2; }
    tar -C "$bundle" -czf "$bundle/jre.tgz" jre && rm -rf "$bundle/jre"
    echo "gpu-check.sh: bundle ready in $bundle ($(du -sh "$bundle" | cut -f1)); on the GPU machine carry"
    echo "  scripts/.gpu-check and run: bash scripts/gpu-check.sh run"
}

# The java to run with: the bundle's JRE, else bin/find-java's Java 25+.
find_java() {
    if [ -f "$bundle/jre.tgz" ]; then
        local unpacked=${TMPDIR:-/tmp}/vela-gpu-check-jre
        if [ ! -x "$unpacked/jre/bin/java" ]; then
            mkdir -p "$unpacked" && tar -C "$unpacked" -xzf "$bundle/jre.tgz" || return 1
        fi
        echo "$unpacked/jre/bin/java"
        return
    fi
    "$root/bin/find-java" 2>/dev/null
}

# The class path: the bundle's jars, else this checkout's build (built now if a JDK is here).
find_classpath() {
    if compgen -G "$bundle/lib/*.jar" > /dev/null; then
        ls "$bundle"/lib/*.jar | tr '\n' ':'
        return
    fi
    local jdk
    if [ ! -f "$root/gpu-check/target/vela-gpu-check.jar" ] && jdk=$(find_jdk 2>/dev/null); then
        build_jars "$jdk" >&2
    fi
    check_jars | tr '\n' ':'
}

cmd_run() {
    local extra=()
    for argument in "$@"; do
        case "$argument" in
            --with-32b) extra+=(--with-32b) ;;
            *) usage ;;
        esac
    done
    local out=${OUT:-$root/scripts/.gpu-check-out}
    mkdir -p "$out"
    rm -f "$out/results.json" "$out"/stage*.log "$out/summary.txt"

    local java classpath site_packages
    java=$(find_java) || { echo "gpu-check.sh: no Java 25 here; run 'scripts/gpu-check.sh bundle' on a build machine and carry scripts/.gpu-check" | tee "$out/stage0.log"; exit 2; }
    classpath=$(find_classpath)
    if [ -z "$classpath" ]; then
        echo "gpu-check.sh: no jars; run 'scripts/gpu-check.sh bundle' first" | tee "$out/stage0.log"
        exit 2
    fi
    site_packages=$(python3 -c 'import site; print(":".join(site.getsitepackages()))' 2>/dev/null || true)
    local jvm=("$java" --enable-native-access=ALL-UNNAMED -Dgpu.sitePackages="$site_packages" -cp "$classpath" "$main")

    {
        echo "== stage 0 (shell): environment, $(date -u +%FT%TZ)"
        echo "uname: $(uname -srm)"
        echo "glibc: $(ldd --version 2>&1 | head -1)"
        echo "nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -4)"
        echo "ldconfig: $(ldconfig -p 2>/dev/null | grep -E 'libcuda\.|libnccl|libcublas' | tr -s ' \t' ' ' | head -8)"
        echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
        echo "CUDA_VISIBLE_DEVICES=${CUDA_VISIBLE_DEVICES:-(unset)}"
        echo "site-packages: $site_packages"
        for sp in ${site_packages//:/ }; do
            ls "$sp/nvidia/cu13/lib" "$sp/nvidia/cublas/lib" "$sp/nvidia/nccl/lib" 2>/dev/null | tr '\n' ' '
        done
        echo
        echo "java: $java"
        "$java" -version 2>&1
        echo "classpath: $classpath"
    } 2>&1 | tee "$out/stage0.log"

    local stage
    for stage in 0 1 2 3 4; do
        local limit=${stage_limits[$stage]}
        timeout -k 10 "$limit" "${jvm[@]}" --stage "$stage" --out "$out" "${extra[@]}" 2>&1 | tee -a "$out/stage$stage.log"
        local status=${PIPESTATUS[0]}
        if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
            echo "gpu-check.sh: stage $stage killed after its ${limit} s limit" | tee -a "$out/stage$stage.log"
            "${jvm[@]}" --stage "$stage" --timed-out "$limit" --out "$out" > /dev/null 2>&1
        elif [ "$status" -ne 0 ]; then
            echo "gpu-check.sh: stage $stage exited with status $status" | tee -a "$out/stage$stage.log"
            "${jvm[@]}" --stage "$stage" --crashed "$status" --out "$out" > /dev/null 2>&1
        fi
    done
    "${jvm[@]}" --stage summary --out "$out"
}

case "${1:-run}" in
    bundle) shift; cmd_bundle "$@" ;;
    run) [ $# -gt 0 ] && shift; cmd_run "$@" ;;
    --with-32b) cmd_run "$@" ;;
    *) usage ;;
esac
