/*
 * Copyright 2026 The Netty Project
 *
 * The Netty Project licenses this file to you under the Apache License,
 * version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at:
 *
 *   https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */
package io.netty.contrib.channel.aio;

/**
 * Constants and struct layouts read from C when {@link Native} initializes.
 * <p>
 * These methods live in their own class because they are called from {@link Native}'s static initializer: had they
 * been declared in {@link Native} itself, a native method registration that failed would surface as a class-init
 * cycle instead of a clear {@link UnsatisfiedLinkError}. IMPORTANT: this needs to be consistent with the
 * {@code staticallyReferencedMethods} table in {@code netty_aio_native.c}.
 */
final class NativeStaticallyReferencedJniMethods {

    private NativeStaticallyReferencedJniMethods() {
    }

    static native int iocbCmdPread();
    static native int iocbCmdPwrite();
    static native int iocbCmdFsync();
    static native int iocbCmdFdsync();
    static native int iocbCmdPoll();
    static native int iocbCmdNoop();
    static native int iocbCmdPreadv();
    static native int iocbCmdPwritev();
    static native int iocbFlagResfd();
    static native int iocbFlagIoprio();

    static native int sizeofIocb();
    static native int offsetofIocbData();
    static native int offsetofIocbKey();
    static native int offsetofIocbRwFlags();
    static native int offsetofIocbOpcode();
    static native int offsetofIocbReqPrio();
    static native int offsetofIocbFd();
    static native int offsetofIocbBuf();
    static native int offsetofIocbNbytes();
    static native int offsetofIocbOffset();
    static native int offsetofIocbFlags();
    static native int offsetofIocbResFd();

    static native int sizeofIoEvent();
    static native int offsetofIoEventData();
    static native int offsetofIoEventObj();
    static native int offsetofIoEventRes();
    static native int offsetofIoEventRes2();

    static native int oRdonly();
    static native int oWronly();
    static native int oRdwr();
    static native int oCreat();
    static native int oTrunc();
    static native int oDirect();
    static native int oCloexec();
    static native int oNoatime();
    static native int oPath();
    static native int oDirectory();
    static native int oTmpfile();
    static native int oNonblock();
    static native int resolveNoMagiclinks();
    static native int resolveNoSymlinks();
    static native int resolveBeneath();
    static native int resolveCached();

    static native int efdCloexec();
    static native int efdNonblock();
    static native int efdSemaphore();

    static native int posixFadvWillneed();
    static native int posixFadvDontneed();

    static native int rwfHipri();
    static native int rwfDsync();
    static native int rwfSync();
    static native int rwfNowait();
    static native int rwfAppend();

    static native int errnoEagain();
    static native int errnoEinval();
    static native int errnoEnosys();
    static native int errnoEbadf();
    static native int errnoEinprogress();
    static native int errnoEopnotsupp();
    static native int errnoEnoent();
    static native int errnoEacces();

    static native int pagesize0();
}
