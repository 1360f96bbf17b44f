package io.storelog.node.receipt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;

/**
 * A receipt as ESC/POS bytes for a thermal receipt printer:
 * <pre>
 * ESC @            initialise (clears modes left by a previous job)
 * ESC t 0          character table PC437, the power-on default of most printers; text is encoded in it
 * ESC a 1, ESC E 1, GS ! 0x01   centred, bold, double height: the header lines
 * ESC E 0, GS ! 0x00, ESC a 0   back to normal, left-aligned: every other line, LF-terminated
 * ESC d 4          feed four lines, so the last line clears the cutter
 * GS V 0           full cut
 * </pre>
 * Double height keeps the width, so every line still fits {@link ReceiptText#WIDTH} columns.
 */
public final class EscPosReceipt {
    private static final byte ESC = 0x1B;
    private static final byte GS = 0x1D;
    private static final byte LF = 0x0A;
    private static final Charset PC437 = Charset.forName("IBM437");
    private static final int FEED_BEFORE_CUT = 4;

    private EscPosReceipt() {
    }

    /** The printer bytes of {@code receipt}. */
    public static byte[] encode(Receipt receipt) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {ESC, '@'});
        out.writeBytes(new byte[] {ESC, 't', 0});
        for (int i = 0; i < receipt.lines().size(); i++) {
            if (i == 0 && receipt.headerLines() > 0) {
                out.writeBytes(new byte[] {ESC, 'a', 1, ESC, 'E', 1, GS, '!', 0x01});
            }
            if (i == receipt.headerLines()) {
                out.writeBytes(new byte[] {ESC, 'E', 0, GS, '!', 0x00, ESC, 'a', 0});
            }
            // Header lines are centred by the printer, so their padding is dropped.
            String line = i < receipt.headerLines() ? receipt.lines().get(i).strip() : receipt.lines().get(i);
            out.writeBytes(pc437(line));
            out.write(LF);
        }
        out.writeBytes(new byte[] {ESC, 'd', FEED_BEFORE_CUT});
        out.writeBytes(new byte[] {GS, 'V', 0});
        return out.toByteArray();
    }

    /** Text in code page 437; a character it lacks prints as '?' rather than as a stray control byte. */
    private static byte[] pc437(String s) {
        CharsetEncoder enc = PC437.newEncoder().onUnmappableCharacter(CodingErrorAction.REPLACE)
                .onMalformedInput(CodingErrorAction.REPLACE).replaceWith(new byte[] {'?'});
        try {
            // A control character in a product name must not reach the printer as a command.
            ByteBuffer b = enc.encode(CharBuffer.wrap(s.replaceAll("\\p{Cntrl}", "?")));
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("REPLACE actions never throw", e);
        }
    }
}
