// javac -cp /usr/share/omegat/OmegaT.jar OmegatReadTmx.java; java -cp /usr/share/omegat/OmegaT.jar:. OmegatReadTmx FILE.tmx LEVEL2(true|false)
// Reads a TMX with OmegaT 3.6's own TMX reader (TMXReader2) as an external memory (zh-CN -> en-US)
// and prints each unit's source and target as OmegaT sees them (inline codes as its tags).
import java.io.File;
import java.util.*;
import org.omegat.util.*;

public class OmegatReadTmx {
    public static void main(String[] a) throws Exception {
        TMXReader2 r = new TMXReader2();
        r.readTMX(new File(a[0]), new Language("zh-CN"), new Language("en-US"), false, false,
                  Boolean.parseBoolean(a[1]), false, new TMXReader2.LoadCallback() {
            public boolean onEntry(TMXReader2.ParsedTu tu, TMXReader2.ParsedTuv s, TMXReader2.ParsedTuv t, boolean p) {
                System.out.println("TU\t" + (s == null ? null : s.text) + "\t" + (t == null ? null : t.text) + "\tprops=" + tu.props.size() + "\tnote=" + tu.note);
                return true;
            }
        });
    }
}
