// javac -cp /usr/share/omegat/OmegaT.jar OmegatIO.java; java -cp /usr/share/omegat/OmegaT.jar:. OmegatIO ...
// Drives OmegaT 3.6's own glossary classes headless.
//   append DIR/FILE.txt SRC TGT COMMENT      -> GlossaryReaderTSV.append (OmegaT's glossary writer)
//   read PROJECT_DIR FILE.{tbx,txt,utf8,tab}  -> OmegaT's glossary readers, with the project's languages
import java.io.File;
import java.util.*;
import org.omegat.core.Core;
import org.omegat.core.data.*;
import org.omegat.gui.glossary.*;
import org.omegat.util.ProjectFileStorage;

public class OmegatIO {
    public static void main(String[] a) throws Exception {
        Core.initializeConsole(new TreeMap<String, String>());
        if (a[0].equals("append")) {
            GlossaryReaderTSV.append(new File(a[1]), new GlossaryEntry(a[2], a[3], a[4], false));
            return;
        }
        ProjectProperties props = ProjectFileStorage.loadProjectProperties(new File(a[1]));
        RealProject project = new RealProject(props);
        project.loadProject(true);
        Core.setProject(project);
        File f = new File(a[2]);
        List<GlossaryEntry> entries;
        try {
            entries = f.getName().endsWith(".tbx")
                ? GlossaryReaderTBX.read(f, false) : GlossaryReaderTSV.read(f, false);
        } catch (Exception ex) {
            System.out.println("ERROR\t" + ex);
            System.exit(1);
            return;
        }
        for (GlossaryEntry e : entries) {
            System.out.println("ENTRY\t" + e.getSrcText() + "\t" + e.getLocText() + "\t"
                + e.getCommentText().replace("\n", " / "));
        }
        System.out.println("COUNT\t" + entries.size());
        project.closeProject();
        System.exit(0);
    }
}
